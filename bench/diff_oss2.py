"""The backlog diff as an oss2 user writes it: ObjectIterator over both buckets
into dicts, then set differences. Prints one JSON line (time, counts, peak RSS)."""
import json
import resource
import sys
import time

import oss2

endpoint, ak, sk, src, dst, prefix = sys.argv[1:7]
auth = oss2.Auth(ak, sk)
t0 = time.perf_counter()


def listing(name, region):
    bucket = oss2.Bucket(auth, endpoint, name, region=region)
    return {o.key: (o.size, o.etag) for o in oss2.ObjectIterator(bucket, prefix=prefix, max_keys=1000)}


s = listing(src, "cn-hangzhou")
d = listing(dst, "cn-beijing")
missing = sorted(k for k in s if k not in d)
differing = sorted(k for k in s if k in d and s[k] != d[k])
extra = sum(1 for k in d if k not in s)
secs = time.perf_counter() - t0
print(json.dumps({
    "seconds": secs,
    "scanned": len(s) + len(d),
    "missing": len(missing),
    "differing": len(differing),
    "extra": extra,
    "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
