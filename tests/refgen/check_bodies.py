"""Reads our PutBucketReplication bodies back with oss2's own XML parser.

The differential test (tests/differential.rs, with OUR_BODIES_OUT=path) writes
[{id, input, body}] for every Put case; this script parses each body with
oss2.xml_utils.parse_get_bucket_replication_result (oss2 has no parser for the
Put body, but GetBucketReplication answers have the same <Rule> shape) and
checks that oss2 reads back the rule the user asked for.

oss2's parser insists on <Status>, <Action> and <HistoricalObjectReplication>,
which answers always carry, so a <Status> and, when the rule leaves them to
OSS's defaults, <Action>ALL</Action> and <HistoricalObjectReplication>enabled
are added first.

Neither oss2 nor alibabacloud-oss-v2 models <UserTaggings> (tag filters): oss2's parser
skips the element, so for bodies that carry one (input has userTaggings) the tags
are read back with Python's own ElementTree and compared with the input.
"""
import json
import sys
import xml.etree.ElementTree as ElementTree

import oss2.xml_utils
import oss2.models


class _Result:
    rule_list = None


def read_back(body):
    extra = "<Status>starting</Status>"
    if "<Action>" not in body:
        extra += "<Action>ALL</Action>"
    if "<HistoricalObjectReplication>" not in body:
        extra += "<HistoricalObjectReplication>enabled</HistoricalObjectReplication>"
    result = _Result()
    result.rule_list = []
    oss2.xml_utils.parse_get_bucket_replication_result(result, body.replace("</Rule>", extra + "</Rule>").encode("utf-8"))
    assert len(result.rule_list) == 1, "expected exactly one rule"
    return result.rule_list[0]


def user_taggings(body):
    """The <UserTaggings> of the body's rule, as {filterType, tags}, or None."""
    node = ElementTree.fromstring(body.encode("utf-8")).find("Rule/UserTaggings")
    if node is None:
        return None
    return {
        "filterType": node.findtext("FilterType"),
        "tags": [{"key": t.findtext("Key") or "", "value": t.findtext("Value") or ""}
                 for t in node.findall("UserTagging")],
    }


def expected_vs_got(rule, got, body):
    dest = rule["destination"]
    kms = rule.get("sseKmsEncryptedObjects")
    pairs = [
        ("id", rule.get("id"), got.rule_id),
        ("destination.bucket", dest["bucket"], got.target_bucket_name),
        ("destination.location", dest["location"], got.target_bucket_location),
        ("destination.transferType", dest.get("transferType"), got.target_transfer_type),
        ("prefixes", rule.get("prefixes") or None, got.prefix_list or None),
        ("actions", rule.get("actions") or ["ALL"], got.action_list),
        ("historicalObjectReplication", rule.get("historicalObjectReplication", True), got.is_enable_historical_object_replication),
        ("syncRole", rule.get("syncRole"), got.sync_role_name),
        ("replicaKmsKeyId", rule.get("replicaKmsKeyId"), got.replica_kms_keyid),
        ("sseKmsEncryptedObjects", None if kms is None else ("Enabled" if kms else "Disabled"), got.sse_kms_encrypted_objects_status),
        ("userTaggings (ElementTree)", rule.get("userTaggings"), user_taggings(body)),
    ]
    return [(name, want, have) for name, want, have in pairs if want != have]


def main(path):
    cases = json.load(open(path, encoding="utf-8"))
    failures = 0
    for case in cases:
        diffs = expected_vs_got(case["input"], read_back(case["body"]), case["body"])
        for name, want, have in diffs:
            failures += 1
            print(f"case {case['id']}: {name}: asked {want!r}, oss2 read {have!r}")
    tagged = sum(1 for case in cases if case["input"].get("userTaggings"))
    print(f"oss2 read back {len(cases)} of our Put bodies ({tagged} with UserTaggings, read by ElementTree); "
          f"{failures} field mismatches")
    return 1 if failures or not cases or not tagged else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
