"""Drive oss-emulator with the official Python SDKs: oss2 (V1, V4, STS) and
alibabacloud-oss-v2 (V4 with static and STS credentials).

Run: .venv/bin/python -m unittest discover -s tests/emulator -v
The emulator binary comes from $OSS_EMULATOR_BIN, else the newest of target/release and
target/debug. Only the standard library and the two SDKs are used.
"""

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import unittest
import urllib.request

import oss2
import alibabacloud_oss_v2 as oss

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AK = "LTAI5tSdkTestAccessKeyId"
SK = "SdkTestAccessKeySecret0123456789"
HZ, BJ, SH, US = "cn-hangzhou", "cn-beijing", "cn-shanghai", "us-west-1"
BUCKETS = {
    "sdk-src": HZ,
    "sdk-dst": BJ,
    "sdk-dst2": SH,
    "sdk-us": US,
    "sdk-us2": US,
    "sdk-objects": HZ,
    "sdk-copies": BJ,
    "sdk-tags": HZ,
    "sdk-tags-and": BJ,
    "sdk-tags-or": SH,
}


def emulator_binary():
    explicit = os.environ.get("OSS_EMULATOR_BIN")
    if explicit:
        return explicit
    candidates = [
        os.path.join(ROOT, "target", profile, "oss-emulator") for profile in ("release", "debug")
    ]
    existing = [c for c in candidates if os.path.exists(c)]
    if not existing:
        raise RuntimeError("no oss-emulator binary: run `cargo build -p oss-emulator` or set OSS_EMULATOR_BIN")
    return max(existing, key=os.path.getmtime)


class Emulator:
    """The emulator binary on a free loopback port."""

    def __init__(self, *extra):
        args = [emulator_binary(), "--listen", "127.0.0.1:0",
                "--access-key-id", AK, "--access-key-secret", SK, "--status-delay-ms", "200"]
        for name, region in BUCKETS.items():
            args += ["--bucket", f"{name}:oss-{region}"]
        args += list(extra)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
        first = self.proc.stdout.readline().strip()
        prefix = "oss-emulator listening on http://127.0.0.1:"
        if not first.startswith(prefix):
            self.stop()
            raise RuntimeError(f"unexpected first line from the emulator: {first!r}")
        self.port = int(first[len(prefix):])
        self.endpoint = f"http://127.0.0.1:{self.port}"
        # Keep draining stdout so the emulator never blocks on a full pipe.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def sts(self, lifetime=None):
        path = "/_emulator/sts" + (f"?lifetime={lifetime}" if lifetime else "")
        return self.control("GET", path)


def wait_until(what, predicate, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class SdkTestCase(unittest.TestCase):
    emu = None

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator()

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    # oss2 ---------------------------------------------------------------------------
    def oss2_bucket(self, name, auth="v4", creds=None):
        region = BUCKETS.get(name, HZ)
        if auth == "v1":
            a = oss2.Auth(AK, SK)
        elif auth == "v4":
            a = oss2.AuthV4(AK, SK)
        elif auth == "provider-v4":
            a = oss2.ProviderAuthV4(oss2.credentials.StaticCredentialsProvider(AK, SK))
        elif auth == "sts-v1":
            a = oss2.StsAuth(creds["accessKeyId"], creds["accessKeySecret"], creds["securityToken"])
        elif auth == "sts-v4":
            a = oss2.StsAuth(creds["accessKeyId"], creds["accessKeySecret"], creds["securityToken"],
                             auth_version=oss2.AUTH_VERSION_4)
        elif auth == "anonymous":
            a = oss2.AnonymousAuth()
        else:
            a = auth
        return oss2.Bucket(a, self.emu.endpoint, name, region=region)

    # alibabacloud-oss-v2 ------------------------------------------------------------
    def v2_client(self, region=HZ, creds=None):
        cfg = oss.config.load_default()
        if creds is None:
            cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(AK, SK)
        else:
            cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(
                creds["accessKeyId"], creds["accessKeySecret"], creds["securityToken"])
        cfg.region = region
        cfg.endpoint = self.emu.endpoint
        cfg.use_path_style = True
        cfg.retry_max_attempts = 1
        return oss.Client(cfg)

    def assert_v2_error(self, code, fn, *args):
        with self.assertRaises(oss.exceptions.OperationError) as ctx:
            fn(*args)
        err = ctx.exception.unwrap()
        self.assertIsInstance(err, oss.exceptions.ServiceError)
        self.assertEqual(err.code, code, str(err))
        self.assertEqual(len(err.request_id), 24)
        self.assertTrue(err.ec)
        return err

    def assert_oss2_error(self, code, fn, *args):
        with self.assertRaises(oss2.exceptions.OssError) as ctx:
            fn(*args)
        self.assertEqual(ctx.exception.code, code, str(ctx.exception))
        self.assertEqual(len(ctx.exception.request_id), 24)
        return ctx.exception


class Oss2Replication(SdkTestCase):
    def lifecycle(self, auth, rule_id, dest, location, creds=None):
        b = self.oss2_bucket("sdk-src", auth, creds)
        # From the mainland to us-west-1 the location answer allows only oss_acc.
        transfer = "oss_acc" if location == "oss-us-west-1" else None
        rule = oss2.models.ReplicationRule(
            rule_id=rule_id, target_bucket_name=dest, target_bucket_location=location,
            target_transfer_type=transfer,
            prefix_list=["p1/", "p2/"], action_list=[oss2.models.ReplicationRule.PUT],
            is_enable_historical_object_replication=False, sync_role_name="aliyunramrole")
        self.assertEqual(b.put_bucket_replication(rule).status, 200)
        rules = {r.rule_id: r for r in b.get_bucket_replication().rule_list}
        got = rules[rule_id]
        self.assertEqual(got.target_bucket_name, dest)
        self.assertEqual(got.target_bucket_location, location)
        self.assertEqual(got.prefix_list, ["p1/", "p2/"])
        self.assertEqual(got.action_list, ["PUT"])
        self.assertFalse(got.is_enable_historical_object_replication)
        self.assertEqual(got.sync_role_name, "aliyunramrole")
        self.assertIn(got.status, ("starting", "doing"))

        wait_until("doing", lambda: b.get_bucket_replication_progress(rule_id).progress.status == "doing")
        p = b.get_bucket_replication_progress(rule_id).progress
        self.assertEqual(p.rule_id, rule_id)
        self.assertEqual(p.target_bucket_name, dest)
        # Historical replication is off: OSS sends no HistoricalObject; oss2 reports its default 0.
        self.assertEqual(p.historical_object_progress, 0)
        self.assertTrue(p.new_object_progress.endswith(".000Z"))

        loc = b.get_bucket_replication_location()
        self.assertEqual(loc.location_list, ["oss-cn-beijing", "oss-cn-shanghai", "oss-us-west-1"])
        self.assertEqual([(c.location, c.transfer_type) for c in loc.location_transfer_type_list],
                         [("oss-us-west-1", "oss_acc")])

        self.assertEqual(b.delete_bucket_replication(rule_id).status, 200)
        rules = {r.rule_id: r for r in b.get_bucket_replication().rule_list}
        self.assertEqual(rules[rule_id].status, "closing")
        self.assertEqual(b.delete_bucket_replication(rule_id).status, 204)
        wait_until("rule gone", lambda: rule_id not in self.rule_ids(b))

    @staticmethod
    def rule_ids(b):
        try:
            return [r.rule_id for r in b.get_bucket_replication().rule_list]
        except oss2.exceptions.ServerError as e:
            # oss2 has no class for this code: it raises a plain ServerError.
            if e.code == "NoSuchReplicationConfiguration":
                return []
            raise

    def test_v1(self):
        self.lifecycle("v1", "oss2-v1", "sdk-dst", "oss-cn-beijing")

    def test_v4(self):
        self.lifecycle("v4", "oss2-v4", "sdk-dst2", "oss-cn-shanghai")

    def test_provider_v4(self):
        self.lifecycle("provider-v4", "oss2-provider-v4", "sdk-us", "oss-us-west-1")

    def test_sts_v1(self):
        self.lifecycle("sts-v1", "oss2-sts-v1", "sdk-us2", "oss-us-west-1", self.emu.sts())

    def test_sts_v4(self):
        self.lifecycle("sts-v4", "oss2-sts-v4", "sdk-objects", "oss-cn-hangzhou", self.emu.sts())

    def test_errors(self):
        b = self.oss2_bucket("sdk-src", "v1")
        self.assert_oss2_error("NoSuchBucket", self.oss2_bucket("no-such-bucket", "v1").get_bucket_replication)
        e = self.assert_oss2_error("NoSuchReplicationRule", b.get_bucket_replication_progress, "nope")
        self.assertIsInstance(e, oss2.exceptions.NoSuchReplicationRule)

        def put(dest, location, rule_id=None):
            return b.put_bucket_replication(oss2.models.ReplicationRule(
                rule_id=rule_id, target_bucket_name=dest, target_bucket_location=location))

        self.assert_oss2_error("InvalidTargetLocation", put, "sdk-dst", "oss-cn-qingdao")
        self.assert_oss2_error("InvalidTargetBucket", put, "sdk-src", "oss-cn-hangzhou")
        self.assert_oss2_error("InvalidTargetBucket", put, "ghost-bucket", "oss-cn-beijing")
        put("sdk-dst", "oss-cn-beijing", "dup")
        self.assert_oss2_error("BucketReplicationAlreadyExist", put, "sdk-dst2", "oss-cn-shanghai", "dup")
        self.assert_oss2_error("BucketReplicationAlreadyExist", put, "sdk-dst", "oss-cn-beijing", "dup2")
        b.delete_bucket_replication("dup")
        wait_until("dup gone", lambda: "dup" not in Oss2Replication.rule_ids(b))

        wrong = oss2.Bucket(oss2.Auth(AK, "wrong"), self.emu.endpoint, "sdk-src")
        e = self.assert_oss2_error("SignatureDoesNotMatch", wrong.get_bucket_replication_location)
        self.assertIn("StringToSign", e.details)
        wrong4 = oss2.Bucket(oss2.AuthV4(AK, "wrong"), self.emu.endpoint, "sdk-src", region=HZ)
        self.assert_oss2_error("SignatureDoesNotMatch", wrong4.get_bucket_replication_location)
        unknown = oss2.Bucket(oss2.Auth("LTAInobody", SK), self.emu.endpoint, "sdk-src")
        self.assert_oss2_error("InvalidAccessKeyId", unknown.get_bucket_replication_location)
        self.assert_oss2_error("AccessDenied", self.oss2_bucket("sdk-src", "anonymous").get_bucket_replication_location)
        wrong_region = oss2.Bucket(oss2.AuthV4(AK, SK), self.emu.endpoint, "sdk-src", region=BJ)
        self.assert_oss2_error("InvalidArgument", wrong_region.get_bucket_replication_location)

        # STS: a token that expires, and a token from other credentials.
        short = self.emu.sts(lifetime=1)
        ok = self.oss2_bucket("sdk-src", "sts-v4", short)
        ok.get_bucket_replication_location()
        time.sleep(2.1)
        self.assert_oss2_error("SecurityTokenExpired", ok.get_bucket_replication_location)
        a, c = self.emu.sts(), self.emu.sts()
        mixed = dict(a, securityToken=c["securityToken"])
        self.assert_oss2_error("InvalidSecurityToken", self.oss2_bucket("sdk-src", "sts-v1", mixed).get_bucket_replication_location)

        # Server clock 20 minutes ahead: RequestTimeTooSkewed with the server time.
        self.emu.control("POST", "/_emulator/clock", {"offset_secs": 1200})
        try:
            e = self.assert_oss2_error("RequestTimeTooSkewed", b.get_bucket_replication_location)
            self.assertEqual(e.status, 403)
            self.assertIn("ServerTime", e.details)
        finally:
            self.emu.control("DELETE", "/_emulator/clock")
        b.get_bucket_replication_location()


class V2Replication(SdkTestCase):
    def lifecycle(self, creds):
        c = self.v2_client(US, creds)
        r = c.put_bucket_replication(oss.PutBucketReplicationRequest(
            bucket="sdk-us",
            replication_configuration=oss.ReplicationConfiguration(rules=[oss.ReplicationRule(
                destination=oss.ReplicationDestination(bucket="sdk-objects", location="oss-cn-hangzhou",
                                                       transfer_type="oss_acc"),
                prefix_set=oss.ReplicationPrefixSet(prefixs=["a/"]),
                action="PUT,DELETE",
                historical_object_replication="enabled")])))
        self.assertEqual(r.status_code, 200)
        # alibabacloud-oss-v2 1.4.1 declares replication_rule_id but never reads the
        # header (PutBucketReplication deserializes the XML body only): read it ourselves.
        rule_id = r.headers.get("x-oss-replication-rule-id")
        self.assertEqual(len(rule_id), 36)

        got = c.get_bucket_replication(oss.GetBucketReplicationRequest(bucket="sdk-us"))
        rules = {x.id: x for x in got.replication_configuration.rules}
        self.assertEqual(rules[rule_id].destination.transfer_type, "oss_acc")
        self.assertEqual(rules[rule_id].prefix_set.prefixs, ["a/"])
        self.assertEqual(rules[rule_id].action, "PUT,DELETE")

        loc = c.get_bucket_replication_location(oss.GetBucketReplicationLocationRequest(bucket="sdk-us"))
        locs = loc.replication_location
        self.assertEqual(locs.locations, ["oss-cn-beijing", "oss-cn-hangzhou", "oss-cn-shanghai"])
        self.assertEqual(len(locs.location_transfer_type_constraint.location_transfer_types), 3)

        def progress():
            return c.get_bucket_replication_progress(oss.GetBucketReplicationProgressRequest(
                bucket="sdk-us", rule_id=rule_id)).replication_progress.rules[0]
        wait_until("doing", lambda: progress().status == "doing")
        wait_until("historical progress", lambda: progress().progress.historical_object == "1.00")

        # RTC is not offered from us-west-1.
        self.assert_v2_error("BucketReplicationNotSupportRtc", c.put_bucket_rtc, oss.PutBucketRtcRequest(
            bucket="sdk-us", rtc_configuration=oss.RtcConfiguration(
                rtc=oss.ReplicationTimeControl(status="enabled"), id=rule_id)))

        r = c.delete_bucket_replication(oss.DeleteBucketReplicationRequest(
            bucket="sdk-us", replication_rules=oss.ReplicationRules(ids=[rule_id])))
        self.assertEqual(r.status_code, 200)
        wait_until("rule gone", lambda: rule_id not in self.rule_ids(c, "sdk-us"))

    def rule_ids(self, c, bucket):
        try:
            got = c.get_bucket_replication(oss.GetBucketReplicationRequest(bucket=bucket))
        except oss.exceptions.OperationError as e:
            if e.unwrap().code == "NoSuchReplicationConfiguration":
                return []
            raise
        return [x.id for x in got.replication_configuration.rules]

    def test_static_credentials(self):
        self.lifecycle(None)

    def test_sts_credentials(self):
        # Runs after test_static_credentials (alphabetical), on a fresh rule.
        self.lifecycle(self.emu.sts())

    def test_rtc(self):
        c = self.v2_client(HZ)
        r = c.put_bucket_replication(oss.PutBucketReplicationRequest(
            bucket="sdk-src",
            replication_configuration=oss.ReplicationConfiguration(rules=[oss.ReplicationRule(
                id="v2-rtc",
                destination=oss.ReplicationDestination(bucket="sdk-dst2", location="oss-cn-shanghai"),
                rtc=oss.ReplicationTimeControl(status="disabled"))])))
        self.assertEqual(r.headers.get("x-oss-replication-rule-id"), "v2-rtc")
        try:
            r = c.put_bucket_rtc(oss.PutBucketRtcRequest(
                bucket="sdk-src", rtc_configuration=oss.RtcConfiguration(
                    rtc=oss.ReplicationTimeControl(status="enabled"), id="v2-rtc")))
            self.assertEqual(r.status_code, 200)

            def rtc():
                got = c.get_bucket_replication(oss.GetBucketReplicationRequest(bucket="sdk-src"))
                return {x.id: x for x in got.replication_configuration.rules}["v2-rtc"].rtc.status
            self.assertIn(rtc(), ("enabling", "enabled"))
            wait_until("rtc enabled", lambda: rtc() == "enabled")
            self.assert_v2_error("NoSuchReplicationRule", c.put_bucket_rtc, oss.PutBucketRtcRequest(
                bucket="sdk-src", rtc_configuration=oss.RtcConfiguration(
                    rtc=oss.ReplicationTimeControl(status="enabled"), id="nope")))
        finally:
            c.delete_bucket_replication(oss.DeleteBucketReplicationRequest(
                bucket="sdk-src", replication_rules=oss.ReplicationRules(ids=["v2-rtc"])))

    def test_errors(self):
        c = self.v2_client(HZ)
        dest = oss.ReplicationDestination(bucket="sdk-dst", location="oss-cn-beijing")
        self.assert_v2_error("TooManyReplicationRules", c.put_bucket_replication, oss.PutBucketReplicationRequest(
            bucket="sdk-src", replication_configuration=oss.ReplicationConfiguration(rules=[
                oss.ReplicationRule(destination=dest), oss.ReplicationRule(destination=dest)])))
        self.assert_v2_error("ReplicationLocationNotSupportRtc", c.put_bucket_replication, oss.PutBucketReplicationRequest(
            bucket="sdk-src", replication_configuration=oss.ReplicationConfiguration(rules=[oss.ReplicationRule(
                destination=oss.ReplicationDestination(bucket="sdk-us", location="oss-us-west-1",
                                                       transfer_type="oss_acc"),
                rtc=oss.ReplicationTimeControl(status="enabled"))])))
        self.assert_v2_error("NoSuchReplicationRule", c.get_bucket_replication_progress,
                             oss.GetBucketReplicationProgressRequest(bucket="sdk-src", rule_id="nope"))
        self.assert_v2_error("NoSuchBucket", c.get_bucket_replication_location,
                             oss.GetBucketReplicationLocationRequest(bucket="no-such-bucket"))
        self.assert_v2_error("NoSuchReplicationConfiguration", self.v2_client(BJ).get_bucket_replication,
                             oss.GetBucketReplicationRequest(bucket="sdk-dst"))
        bad = self.v2_client(HZ, {"accessKeyId": AK, "accessKeySecret": "wrong", "securityToken": None})
        err = self.assert_v2_error("SignatureDoesNotMatch", bad.get_bucket_replication_location,
                                   oss.GetBucketReplicationLocationRequest(bucket="sdk-src"))
        self.assertEqual(err.status_code, 403)
        self.assertEqual(err.ec, "0002-00000040")
        self.assert_v2_error("InvalidArgument", self.v2_client(BJ).get_bucket_replication_location,
                             oss.GetBucketReplicationLocationRequest(bucket="sdk-src"))


class ObjectsAndReplication(SdkTestCase):
    def test_objects_put_with_oss2_appear_in_the_destination(self):
        src = self.oss2_bucket("sdk-objects", "v1")
        src4 = self.oss2_bucket("sdk-objects", "v4")
        dst = self.oss2_bucket("sdk-copies", "v4")
        # Historical objects, under and outside the prefix.
        for i in range(5):
            src.put_object(f"photos/old-{i}.jpg", f"old {i}".encode())
        src.put_object("private/secret.txt", b"stay")
        v2 = self.v2_client(HZ)
        r = v2.put_bucket_replication(oss.PutBucketReplicationRequest(
            bucket="sdk-objects",
            replication_configuration=oss.ReplicationConfiguration(rules=[oss.ReplicationRule(
                id="photos",
                destination=oss.ReplicationDestination(bucket="sdk-copies", location="oss-cn-beijing"),
                prefix_set=oss.ReplicationPrefixSet(prefixs=["photos/"]),
                action="ALL")])))
        self.assertEqual(r.status_code, 200)
        # New objects from oss2 (V1 and V4, CRC checked by oss2 on upload and download).
        src.put_object("photos/new-v1.jpg", b"new from v1", headers={"x-oss-meta-camera": "x100"})
        src4.put_object("photos/new-v4.jpg", b"new from v4")
        src4.put_object("notes/n.txt", b"not replicated")

        def copied():
            return sorted(o.key for o in oss2.ObjectIterator(dst))
        expected = sorted([f"photos/old-{i}.jpg" for i in range(5)] + ["photos/new-v1.jpg", "photos/new-v4.jpg"])
        wait_until("replicas", lambda: copied() == expected)
        got = dst.get_object("photos/new-v1.jpg")
        self.assertEqual(got.read(), b"new from v1")
        self.assertEqual(got.headers.get("x-oss-meta-camera"), "x100")
        self.assertTrue(dst.object_exists("photos/old-3.jpg"))
        self.assertFalse(dst.object_exists("private/secret.txt"))
        self.assertEqual(dst.head_object("photos/new-v4.jpg").content_length, len(b"new from v4"))

        p = src.get_bucket_replication_progress("photos").progress
        self.assertEqual(p.historical_object_progress, 1.0)
        self.assertRegex(p.new_object_progress, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$")

        # Deletes replicate under ALL.
        src.delete_object("photos/old-0.jpg")
        wait_until("delete replicated", lambda: not dst.object_exists("photos/old-0.jpg"))

        # The v2 SDK sees the same objects.
        listing = self.v2_client(BJ).list_objects_v2(oss.ListObjectsV2Request(bucket="sdk-copies", prefix="photos/new"))
        self.assertEqual([o.key for o in listing.contents], ["photos/new-v1.jpg", "photos/new-v4.jpg"])
        body = self.v2_client(BJ).get_object(oss.GetObjectRequest(bucket="sdk-copies", key="photos/new-v4.jpg")).body.read()
        self.assertEqual(body, b"new from v4")

    def test_listing_and_object_calls(self):
        b = self.oss2_bucket("sdk-dst2", "v4")
        for key in ["dir/a", "dir/b c", "dir/sub/x", "top+1", "ünï/cödé"]:
            b.put_object(key, key.encode())
        result = b.list_objects(prefix="dir/", delimiter="/")
        self.assertEqual([o.key for o in result.object_list], ["dir/a", "dir/b c"])
        self.assertEqual(result.prefix_list, ["dir/sub/"])
        self.assertEqual(sorted(o.key for o in oss2.ObjectIterator(b, max_keys=2)),
                         sorted(["dir/a", "dir/b c", "dir/sub/x", "top+1", "ünï/cödé"]))
        self.assertEqual(b.get_object("ünï/cödé").read(), "ünï/cödé".encode())
        self.assertEqual(b.get_object("dir/b c", byte_range=(0, 2)).read(), b"dir")
        meta = b.get_object_meta("top+1")
        self.assertEqual(int(meta.headers["content-length"]), 5)
        b.delete_object("top+1")
        self.assertFalse(b.object_exists("top+1"))
        with self.assertRaises(oss2.exceptions.NoSuchKey):
            b.get_object("top+1")
        v2 = self.v2_client(SH)
        pages = list(v2.list_objects_v2_paginator().iter_page(
            oss.ListObjectsV2Request(bucket="sdk-dst2", max_keys=2)))
        self.assertEqual(sum(len(p.contents or []) for p in pages), 4)
        self.assertTrue(v2.is_object_exist("sdk-dst2", "dir/a"))


def tag_rule_xml(rule_id, dest, location, filter_type, tags):
    """A PutBucketReplication body with UserTaggings: neither SDK models it, so it is written by hand."""
    items = "".join(f"<UserTagging><Key>{k}</Key><Value>{v}</Value></UserTagging>" for k, v in tags)
    return (f"<ReplicationConfiguration><Rule><ID>{rule_id}</ID><Destination><Bucket>{dest}</Bucket>"
            f"<Location>{location}</Location></Destination><UserTaggings><FilterType>{filter_type}</FilterType>"
            f"{items}</UserTaggings></Rule></ReplicationConfiguration>")


class BucketFeaturesAndTags(SdkTestCase):
    """Versioning, GetBucketInfo, GetBucketLocation, object tags, UserTaggings,
    ListObjectsV2 paging, ListBuckets without CORS, and the transfer-type refusal."""

    def test_versioning_and_bucket_info_oss2(self):
        b = self.oss2_bucket("sdk-dst", "v4")
        self.assertIsNone(b.get_bucket_versioning().status)
        info = b.get_bucket_info()
        self.assertEqual((info.name, info.location), ("sdk-dst", "oss-cn-beijing"))
        self.assertIsNone(info.versioning_status)
        self.assertEqual(info.acl.grant, "private")
        b.put_bucket_versioning(oss2.models.BucketVersioningConfig(status="Enabled"))
        self.assertEqual(b.get_bucket_versioning().status, "Enabled")
        self.assertEqual(b.get_bucket_info().versioning_status, "Enabled")
        self.assertEqual(b.get_bucket_location().location, "oss-cn-beijing")
        self.assert_oss2_error("InvalidArgument", b.put_bucket_versioning,
                               oss2.models.BucketVersioningConfig(status="Off"))

    def test_versioning_and_bucket_info_v2(self):
        c = self.v2_client(SH)
        got = c.get_bucket_versioning(oss.GetBucketVersioningRequest(bucket="sdk-dst2"))
        self.assertIsNone(got.version_status)
        c.put_bucket_versioning(oss.PutBucketVersioningRequest(
            bucket="sdk-dst2", versioning_configuration=oss.VersioningConfiguration(status="Suspended")))
        got = c.get_bucket_versioning(oss.GetBucketVersioningRequest(bucket="sdk-dst2"))
        self.assertEqual(got.version_status, "Suspended")
        info = c.get_bucket_info(oss.GetBucketInfoRequest(bucket="sdk-dst2")).bucket_info
        self.assertEqual((info.name, info.location, info.versioning), ("sdk-dst2", "oss-cn-shanghai", "Suspended"))
        self.assertEqual(info.cross_region_replication, "Disabled")
        loc = c.get_bucket_location(oss.GetBucketLocationRequest(bucket="sdk-dst2"))
        self.assertEqual(loc.location, "oss-cn-shanghai")

    def test_user_taggings_honoured_by_the_replicator(self):
        src = self.oss2_bucket("sdk-tags", "v4")
        # Historical objects with tags, written by oss2 with x-oss-tagging.
        src.put_object("both", b"1", headers={"x-oss-tagging": "team=a&env=prod"})
        src.put_object("team-only", b"2", headers={"x-oss-tagging": "team=a"})
        src.put_object("untagged", b"3")
        tags = src.get_object_tagging("both").tag_set.tagging_rule
        self.assertEqual(tags, {"team": "a", "env": "prod"})
        v2 = self.v2_client(HZ)
        got = v2.get_object_tagging(oss.GetObjectTaggingRequest(bucket="sdk-tags", key="team-only"))
        self.assertEqual([(t.key, t.value) for t in got.tag_set.tags], [("team", "a")])
        # The rules go through the v2 SDK's generic operation call (no SDK models UserTaggings).
        want = [("team", "a"), ("env", "prod")]
        for rule_id, dest, location, filter_type in [("and", "sdk-tags-and", "oss-cn-beijing", "AND"),
                                                     ("or", "sdk-tags-or", "oss-cn-shanghai", "OR")]:
            body = tag_rule_xml(rule_id, dest, location, filter_type, want).encode()
            out = v2.invoke_operation(oss.OperationInput(
                op_name="PutBucketReplication", method="POST", bucket="sdk-tags",
                parameters={"replication": "", "comp": "add"}, body=body,
                headers={"Content-Type": "application/xml"}))
            self.assertEqual(out.status_code, 200)
            self.assertEqual(out.headers.get("x-oss-replication-rule-id"), rule_id)
        raw = v2.invoke_operation(oss.OperationInput(
            op_name="GetBucketReplication", method="GET", bucket="sdk-tags", parameters={"replication": ""}))
        text = raw.http_response.content.decode() if hasattr(raw.http_response, "content") else raw.body.read().decode()
        self.assertIn("<UserTaggings><FilterType>OR</FilterType><UserTagging><Key>team</Key><Value>a</Value>"
                      "</UserTagging><UserTagging><Key>env</Key><Value>prod</Value></UserTagging></UserTaggings>", text)
        # oss2 reads the same rules and ignores the element it does not know.
        self.assertEqual(sorted(r.rule_id for r in src.get_bucket_replication().rule_list), ["and", "or"])
        wait_until("rules doing", lambda: all(
            r.status == "doing" for r in src.get_bucket_replication().rule_list))
        src.put_object("new-env", b"4", headers={"x-oss-tagging": "env=prod"})
        src.put_object("new-both", b"5", headers={"x-oss-tagging": "env=prod&team=a"})

        def keys(name):
            return sorted(o.key for o in oss2.ObjectIterator(self.oss2_bucket(name, "v4")))
        wait_until("AND replicas", lambda: keys("sdk-tags-and") == ["both", "new-both"])
        wait_until("OR replicas", lambda: keys("sdk-tags-or") == ["both", "new-both", "new-env", "team-only"])
        time.sleep(0.5)
        self.assertEqual(keys("sdk-tags-and"), ["both", "new-both"])
        self.assertEqual(self.oss2_bucket("sdk-tags-or", "v4").get_object_tagging("new-env").tag_set.tagging_rule,
                         {"env": "prod"})

    def test_object_tagging_calls(self):
        b = self.oss2_bucket("sdk-tags", "v1")
        b.put_object("retag", b"x", headers={"x-oss-tagging": "a=1"})
        rule = oss2.models.TaggingRule()
        rule.add("team", "b c")
        b.put_object_tagging("retag", oss2.models.Tagging(rule))
        self.assertEqual(b.get_object_tagging("retag").tag_set.tagging_rule, {"team": "b c"})
        v2 = self.v2_client(HZ)
        v2.delete_object_tagging(oss.DeleteObjectTaggingRequest(bucket="sdk-tags", key="retag"))
        got = v2.get_object_tagging(oss.GetObjectTaggingRequest(bucket="sdk-tags", key="retag"))
        self.assertFalse(got.tag_set.tags)
        self.assert_oss2_error("NoSuchKey", b.put_object_tagging, "missing", oss2.models.Tagging(rule))

    def test_list_objects_v2_pages_oss2_and_v2(self):
        b = self.oss2_bucket("sdk-us2", "v4")
        expected = {}
        for i in range(23):
            data = ("x" * i).encode()
            b.put_object(f"page/{i:03}", data)
            expected[f"page/{i:03}"] = data
        listed = list(oss2.ObjectIteratorV2(b, prefix="page/", max_keys=5))
        self.assertEqual([o.key for o in listed], sorted(expected))
        for o in listed:
            data = expected[o.key]
            self.assertEqual(o.size, len(data))
            self.assertEqual(o.etag, hashlib.md5(data).hexdigest().upper())
            self.assertLess(abs(o.last_modified - time.time()), 120)
        v2 = self.v2_client(US)
        pages = list(v2.list_objects_v2_paginator().iter_page(
            oss.ListObjectsV2Request(bucket="sdk-us2", prefix="page/", max_keys=10)))
        self.assertEqual([len(p.contents) for p in pages], [10, 10, 3])
        self.assertTrue(pages[0].next_continuation_token)
        self.assertEqual([o.key for p in pages for o in p.contents], sorted(expected))
        self.assertEqual(pages[2].contents[-1].size, 22)

    def test_list_buckets_without_cors(self):
        service = oss2.Service(oss2.AuthV4(AK, SK), self.emu.endpoint, region=HZ)
        origin = "http://localhost:5173"
        result = service.list_buckets(headers={"Origin": origin})
        self.assertIn("sdk-src", [b.name for b in result.buckets])
        self.assertNotIn("access-control-allow-origin", {k.lower() for k in result.headers})
        # A bucket-level call from the same origin does carry CORS headers.
        listing = self.oss2_bucket("sdk-src", "v4").list_objects(headers={"Origin": origin})
        self.assertEqual(listing.headers.get("access-control-allow-origin"), origin)
        v2 = self.v2_client(HZ)
        out = v2.list_buckets(oss.ListBucketsRequest())
        self.assertIn("sdk-src", [b.name for b in out.buckets])

    def test_transfer_type_the_location_answer_forbids_is_refused(self):
        b = self.oss2_bucket("sdk-src", "v4")
        loc = b.get_bucket_replication_location()
        self.assertIn(("oss-us-west-1", "oss_acc"),
                      [(c.location, c.transfer_type) for c in loc.location_transfer_type_list])
        for transfer in (None, "internal"):
            e = self.assert_oss2_error("InvalidArgument", b.put_bucket_replication, oss2.models.ReplicationRule(
                rule_id="refused", target_bucket_name="sdk-us", target_bucket_location="oss-us-west-1",
                target_transfer_type=transfer))
            self.assertEqual(e.details.get("ArgumentName"), "TransferType")
        v2 = self.v2_client(HZ)
        err = self.assert_v2_error("InvalidArgument", v2.put_bucket_replication, oss.PutBucketReplicationRequest(
            bucket="sdk-src", replication_configuration=oss.ReplicationConfiguration(rules=[oss.ReplicationRule(
                destination=oss.ReplicationDestination(bucket="sdk-us", location="oss-us-west-1",
                                                       transfer_type="internal"))])))
        self.assertIn("allows only oss_acc", err.message)


if __name__ == "__main__":
    unittest.main()
