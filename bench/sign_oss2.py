"""oss2 signing of a prepared GET ?replication request (STS, 640-char token), V1 and V4.

Prints JSON: {"samples": {"v1": [ns/op per round], "v4": [...]}, "authorization": {"v1": ..., "v4": ...}}.
oss2 reads the wall clock; as in tests/refgen, its clocks are frozen at the benchmark's signing
time (2024-04-17 08:00:00 UTC) so the signatures can be compared with ours.
Usage: python bench/sign_oss2.py [rounds]
"""
import datetime
import json
import sys
import time

import oss2
import oss2.auth
import oss2.http
import oss2.utils

T = 1713340800  # 2024-04-17T08:00:00Z
TOKEN = "CAIS" + ("abcdefghijklmnopqrstuvwxyz0123456789+/" * 17)[:634] + "=="
assert len(TOKEN) == 640
AK, SK = "STS.NUgYrLnoC37mZZCNnAbez2nN", "8ZNdXqJ5u1yxvwHrDpJ9NHKwbnTPVk7ZZUpmBzBtX7Hk"
BUCKET, REGION = "examplebucket", "cn-hangzhou"
URL = "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/"


class _FrozenDatetime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return datetime.datetime.fromtimestamp(T, datetime.timezone.utc).replace(tzinfo=None)


_http_date = oss2.utils.http_date
oss2.utils.http_date = lambda timeval=None: _http_date(T if timeval is None else timeval)
oss2.auth.datetime = _FrozenDatetime


def contender(version):
    auth = oss2.StsAuth(AK, SK, TOKEN, auth_version=version)
    req = oss2.http.Request("GET", URL, params={"replication": ""}, region=REGION, product="oss")

    def op():
        auth._sign_request(req, BUCKET, "")
        return req

    return op


def calibrate(fn, target_s):
    n = 1
    while True:
        t0 = time.perf_counter_ns()
        for _ in range(n):
            fn()
        dt = (time.perf_counter_ns() - t0) / 1e9
        if dt >= target_s / 4:
            return max(1, round(n * target_s / dt))
        n *= 4


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    fns = {"v1": contender(oss2.AUTH_VERSION_1), "v4": contender(oss2.AUTH_VERSION_4)}
    auth = {k: fn().headers["authorization"] for k, fn in fns.items()}
    iters = {}
    for k, fn in fns.items():
        calibrate(fn, 0.01)
        iters[k] = calibrate(fn, 0.04)
    samples = {k: [] for k in fns}
    names = list(fns)
    for r in range(rounds):
        for i in range(len(names)):
            k = names[(r + i) % len(names)]
            fn, n = fns[k], iters[k]
            t0 = time.perf_counter_ns()
            for _ in range(n):
                fn()
            samples[k].append((time.perf_counter_ns() - t0) / n)
    json.dump({"samples": samples, "authorization": auth, "oss2": oss2.__version__}, sys.stdout)


main()
