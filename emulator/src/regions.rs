//! What the emulator knows about regions, and the replication rules derived from it.
//!
//! The rules (data, documented in the README):
//! - **Locations**: a bucket can replicate to every region of the configured buckets
//!   other than its own. Same-region replication (SRR) is accepted by PutBucketReplication
//!   but, as in OSS's documented sample, the source's own region is not listed.
//! - **Transfer types**: `oss_acc` (transfer acceleration) is allowed for cross-region
//!   replication only ("You can set TransferType to oss_acc only when you create CRR
//!   rules", OSS API reference), never for SRR. The cross-border locations (one side in
//!   mainland China, the other not; Hong Kong counts as outside) are listed in
//!   `LocationTransferTypeConstraint` with `oss_acc`, as in OSS's sample, and take only
//!   `oss_acc` ("required between the Chinese mainland and other regions"); `internal`
//!   (also the default when a rule names no type) is refused there.
//! - **RTC**: available only between two different regions of [`RTC_REGIONS`]; a source in
//!   another region gets `BucketReplicationNotSupportRtc`, a destination outside the list
//!   `ReplicationLocationNotSupportRtc`.

/// Regions where Replication Time Control is offered (source and destination).
pub const RTC_REGIONS: &[&str] = &[
    "cn-hangzhou",
    "cn-shanghai",
    "cn-qingdao",
    "cn-beijing",
    "cn-zhangjiakou",
    "cn-shenzhen",
];

/// Regions `--seed-buckets` rotates through, and the demo regions.
pub const ROTATION: &[&str] = &[
    "cn-hangzhou",
    "cn-beijing",
    "cn-shanghai",
    "cn-hongkong",
    "us-west-1",
    "ap-southeast-1",
];

/// Strips the `oss-` prefix of a location.
pub fn region_id(location: &str) -> &str {
    location.strip_prefix("oss-").unwrap_or(location)
}

/// Whether a region (without `oss-`) is in mainland China.
pub fn is_mainland(region: &str) -> bool {
    region.starts_with("cn-") && region != "cn-hongkong"
}

/// Whether replication from `src` to `dst` (regions without `oss-`) crosses the mainland border.
pub fn is_cross_border(src: &str, dst: &str) -> bool {
    is_mainland(src) != is_mainland(dst)
}

/// Whether `src` may enable RTC at all.
pub fn source_supports_rtc(src: &str) -> bool {
    RTC_REGIONS.contains(&src)
}

/// Whether RTC is possible from `src` to `dst`.
pub fn pair_supports_rtc(src: &str, dst: &str) -> bool {
    src != dst && RTC_REGIONS.contains(&src) && RTC_REGIONS.contains(&dst)
}

/// Transfer types allowed from `src` to `dst`: the same as the location answer says
/// (cross-border: `oss_acc` only; other cross-region: both; SRR: `internal`).
pub fn transfer_types(src: &str, dst: &str) -> &'static [&'static str] {
    if src == dst {
        &["internal"]
    } else if is_cross_border(src, dst) {
        &["oss_acc"]
    } else {
        &["internal", "oss_acc"]
    }
}

/// The GetBucketReplicationLocation answer for a source region, given every configured
/// bucket location (with `oss-`).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LocationAnswer {
    /// Every location a rule may target.
    pub locations: Vec<String>,
    /// Locations where `oss_acc` is available.
    pub acc_locations: Vec<String>,
    /// Locations where RTC is available.
    pub rtc_locations: Vec<String>,
}

/// Computes the location answer for `src_location` among `all_locations`.
pub fn location_answer(src_location: &str, all_locations: &[String]) -> LocationAnswer {
    let src = region_id(src_location);
    let mut locs: Vec<String> = all_locations
        .iter()
        .filter(|l| region_id(l) != src)
        .cloned()
        .collect();
    locs.sort();
    locs.dedup();
    let acc = locs
        .iter()
        .filter(|l| is_cross_border(src, region_id(l)))
        .cloned()
        .collect();
    let rtc = locs
        .iter()
        .filter(|l| pair_supports_rtc(src, region_id(l)))
        .cloned()
        .collect();
    LocationAnswer {
        locations: locs,
        acc_locations: acc,
        rtc_locations: rtc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_rules() {
        let all: Vec<String> = ROTATION.iter().map(|r| format!("oss-{r}")).collect();
        let a = location_answer("oss-cn-hangzhou", &all);
        assert_eq!(a.locations.len(), 5);
        assert!(!a.locations.contains(&"oss-cn-hangzhou".to_owned()));
        assert_eq!(
            a.acc_locations,
            ["oss-ap-southeast-1", "oss-cn-hongkong", "oss-us-west-1"]
        );
        assert_eq!(a.rtc_locations, ["oss-cn-beijing", "oss-cn-shanghai"]);
        let b = location_answer("oss-us-west-1", &all);
        assert!(b.rtc_locations.is_empty());
        assert_eq!(b.acc_locations.len(), 3);
        assert_eq!(transfer_types("cn-hangzhou", "cn-hangzhou"), ["internal"]);
        assert_eq!(transfer_types("cn-hangzhou", "ap-southeast-1"), ["oss_acc"]);
        assert_eq!(
            transfer_types("cn-hangzhou", "cn-beijing"),
            ["internal", "oss_acc"]
        );
        // Every location listed with oss_acc takes only oss_acc.
        for l in &a.acc_locations {
            assert_eq!(
                transfer_types("cn-hangzhou", region_id(l)),
                ["oss_acc"],
                "{l}"
            );
        }
        assert!(!pair_supports_rtc("cn-hangzhou", "cn-hangzhou"));
    }
}
