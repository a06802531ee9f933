//! Command-line parsing: a handful of flags, parsed by hand, with a usage text.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use oss_replication::validate_bucket_name;

/// The usage text printed by `--help` and after a bad flag.
pub const USAGE: &str = "\
oss-emulator: a local Alibaba Cloud OSS replication endpoint

USAGE:
  oss-emulator [--listen 127.0.0.1:PORT] [--access-key-id ID] [--access-key-secret SECRET]
               [--bucket NAME:oss-REGION]... [--seed demo] [--seed-buckets N]
               [--data-dir DIR] [--www DIR [--www-listen 127.0.0.1:PORT] [--pkg DIR]]
               [--sts-lifetime SECS] [--allow-origin ORIGIN]... [--status-delay-ms MS]
               [--replication-rate N] [--allow-non-loopback]

OPTIONS:
  --listen ADDR           OSS endpoint address (default 127.0.0.1:9888; port 0 picks a free port)
  --access-key-id ID      the account's AccessKey ID (default LTAI5tEmulatorAccessKeyId)
  --access-key-secret S   the account's AccessKey secret (default EmulatorAccessKeySecret0123456789)
  --bucket NAME:REGION    create a bucket in a region, e.g. src:oss-cn-hangzhou (repeatable)
  --seed demo             create the demo buckets, objects and one rule (see README)
  --seed-buckets N        create N extra buckets bucket-0001.. in rotating regions
  --data-dir DIR          keep state in DIR/oss-emulator.sqlite3 (default: in memory)
  --www DIR               serve static files from DIR on --www-listen
  --www-listen ADDR       static file address (default 127.0.0.1:9889)
  --pkg DIR               serve DIR under /pkg/ on the www listener (default: DIR/../pkg)
  --sts-lifetime SECS     default lifetime of vended STS credentials (default 900)
  --allow-origin ORIGIN   a CORS origin to allow (repeatable; default: every loopback origin)
  --status-delay-ms MS    delay of starting->doing, closing->gone, enabling->enabled (default 1000)
  --replication-rate N    replicate at most N objects per second, all rules together (default: no limit)
  --allow-non-loopback    allow listening on non-loopback addresses
  -h, --help              print this text
";

/// Default AccessKey ID of the emulated account.
pub const DEFAULT_ACCESS_KEY_ID: &str = "LTAI5tEmulatorAccessKeyId";
/// Default AccessKey secret of the emulated account.
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "EmulatorAccessKeySecret0123456789";

/// A bucket given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketSpec {
    /// Bucket name.
    pub name: String,
    /// Region with the `oss-` prefix (`oss-cn-hangzhou`).
    pub location: String,
}

/// The parsed command line.
#[derive(Clone, Debug)]
pub struct Config {
    /// OSS endpoint address.
    pub listen: SocketAddr,
    /// AccessKey ID of the account.
    pub access_key_id: String,
    /// AccessKey secret of the account.
    pub access_key_secret: String,
    /// Buckets to create.
    pub buckets: Vec<BucketSpec>,
    /// Whether `--seed demo` was given.
    pub seed_demo: bool,
    /// Number of extra `bucket-NNNN` buckets.
    pub seed_buckets: u32,
    /// Directory for the SQLite file; `None` keeps state in memory.
    pub data_dir: Option<PathBuf>,
    /// Static file root.
    pub www: Option<PathBuf>,
    /// Static file address.
    pub www_listen: SocketAddr,
    /// Directory served under `/pkg/`.
    pub pkg: Option<PathBuf>,
    /// Default STS lifetime in seconds.
    pub sts_lifetime: u64,
    /// Allowed CORS origins; empty means every loopback origin.
    pub allow_origins: Vec<String>,
    /// Delay of asynchronous status changes, in milliseconds.
    pub status_delay_ms: u64,
    /// Objects replicated per second, all rules together; `None`: as fast as possible.
    pub replication_rate: Option<f64>,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Run the emulator.
    Run(Box<Config>),
    /// Print the usage text and exit successfully.
    Help,
}

/// Longest STS lifetime accepted (12 hours, as real STS).
pub const MAX_STS_LIFETIME: u64 = 43_200;

fn parse_addr(flag: &str, value: &str) -> Result<SocketAddr, String> {
    if let Ok(a) = value.parse::<SocketAddr>() {
        return Ok(a);
    }
    if let Some(port) = value.strip_prefix("localhost:") {
        let port: u16 = port
            .parse()
            .map_err(|_| format!("{flag}: \"{value}\" has an invalid port"))?;
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    Err(format!(
        "{flag}: \"{value}\" is not an address like 127.0.0.1:9888"
    ))
}

/// Parses `NAME:oss-REGION` (the `oss-` prefix is added when missing).
pub fn parse_bucket(value: &str) -> Result<BucketSpec, String> {
    let (name, region) = value
        .split_once(':')
        .ok_or_else(|| format!("--bucket: \"{value}\" must be NAME:oss-REGION"))?;
    validate_bucket_name(name).map_err(|e| format!("--bucket: {}", e.message()))?;
    let region = region.strip_prefix("oss-").unwrap_or(region);
    if region.is_empty()
        || !region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "--bucket: \"{value}\" has an invalid region; use e.g. oss-cn-hangzhou"
        ));
    }
    Ok(BucketSpec {
        name: name.to_owned(),
        location: format!("oss-{region}"),
    })
}

fn parse_num<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag}: \"{value}\" is not a valid number"))
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let mut cfg = Config {
        listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 9888),
        access_key_id: DEFAULT_ACCESS_KEY_ID.to_owned(),
        access_key_secret: DEFAULT_ACCESS_KEY_SECRET.to_owned(),
        buckets: Vec::new(),
        seed_demo: false,
        seed_buckets: 0,
        data_dir: None,
        www: None,
        www_listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 9889),
        pkg: None,
        sts_lifetime: 900,
        allow_origins: Vec::new(),
        status_delay_ms: 1000,
        replication_rate: None,
    };
    let mut allow_non_loopback = false;
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let takes_value = !matches!(flag, "-h" | "--help" | "--allow-non-loopback");
        let value = if takes_value {
            match inline {
                Some(v) => v,
                None => {
                    let v = args
                        .get(i)
                        .ok_or_else(|| format!("{flag} needs a value"))?
                        .clone();
                    i += 1;
                    v
                }
            }
        } else {
            if inline.is_some() {
                return Err(format!("{flag} takes no value"));
            }
            String::new()
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "--allow-non-loopback" => allow_non_loopback = true,
            "--listen" => cfg.listen = parse_addr(flag, &value)?,
            "--www-listen" => cfg.www_listen = parse_addr(flag, &value)?,
            "--access-key-id" => {
                if value.is_empty() || value.chars().any(|c| c.is_control() || c == ':') {
                    return Err("--access-key-id must be non-empty, without ':'".into());
                }
                cfg.access_key_id = value;
            }
            "--access-key-secret" => {
                if value.is_empty() {
                    return Err("--access-key-secret must not be empty".into());
                }
                cfg.access_key_secret = value;
            }
            "--bucket" => {
                let b = parse_bucket(&value)?;
                if cfg.buckets.iter().any(|x| x.name == b.name) {
                    return Err(format!("--bucket: {} is given twice", b.name));
                }
                cfg.buckets.push(b);
            }
            "--seed" => match value.as_str() {
                "demo" => cfg.seed_demo = true,
                other => return Err(format!("--seed: unknown seed \"{other}\" (known: demo)")),
            },
            "--seed-buckets" => {
                cfg.seed_buckets = parse_num(flag, &value)?;
                if cfg.seed_buckets > 9999 {
                    return Err("--seed-buckets: at most 9999".into());
                }
            }
            "--data-dir" => cfg.data_dir = Some(PathBuf::from(value)),
            "--www" => cfg.www = Some(PathBuf::from(value)),
            "--pkg" => cfg.pkg = Some(PathBuf::from(value)),
            "--sts-lifetime" => {
                cfg.sts_lifetime = parse_num(flag, &value)?;
                if !(1..=MAX_STS_LIFETIME).contains(&cfg.sts_lifetime) {
                    return Err(format!("--sts-lifetime: must be 1..={MAX_STS_LIFETIME}"));
                }
            }
            "--allow-origin" => {
                if value != "*" && !(value.starts_with("http://") || value.starts_with("https://"))
                {
                    return Err(format!(
                        "--allow-origin: \"{value}\" must be * or start with http:// or https://"
                    ));
                }
                cfg.allow_origins
                    .push(value.trim_end_matches('/').to_owned());
            }
            "--status-delay-ms" => {
                cfg.status_delay_ms = parse_num(flag, &value)?;
                if cfg.status_delay_ms > 3_600_000 {
                    return Err("--status-delay-ms: at most 3600000".into());
                }
            }
            "--replication-rate" => {
                let rate: f64 = parse_num(flag, &value)?;
                if !(rate > 0.0 && rate <= 1_000_000.0) {
                    return Err(format!(
                        "--replication-rate: \"{value}\" must be a number of objects per second, above 0 and at most 1000000"
                    ));
                }
                cfg.replication_rate = Some(rate);
            }
            other => return Err(format!("unknown argument \"{other}\"")),
        }
    }
    if !allow_non_loopback {
        for (flag, addr) in [("--listen", cfg.listen), ("--www-listen", cfg.www_listen)] {
            if !addr.ip().is_loopback() {
                return Err(format!(
                    "{flag} {addr} is not a loopback address; pass --allow-non-loopback to expose the emulator"
                ));
            }
        }
    }
    if cfg.www.is_none() && cfg.pkg.is_some() {
        return Err("--pkg needs --www".into());
    }
    Ok(Command::Run(Box::new(cfg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    fn cfg(s: &str) -> Config {
        match parse(&args(s)).unwrap() {
            Command::Run(c) => *c,
            Command::Help => panic!("help"),
        }
    }

    #[test]
    fn parses_flags() {
        let c = cfg(
            "--listen 127.0.0.1:0 --access-key-id ak --access-key-secret=sk --bucket a-1:oss-cn-hangzhou --bucket b-2:cn-beijing --seed demo --sts-lifetime 5",
        );
        assert_eq!(c.listen.port(), 0);
        assert_eq!(c.access_key_secret, "sk");
        assert_eq!(c.buckets[1].location, "oss-cn-beijing");
        assert!(c.seed_demo);
        assert_eq!(c.sts_lifetime, 5);
        assert_eq!(c.replication_rate, None);
        assert_eq!(cfg("--replication-rate 2.5").replication_rate, Some(2.5));
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            "--listen 0.0.0.0:80",
            "--listen nowhere",
            "--bucket Bad:oss-cn-hangzhou",
            "--bucket nobucketregion",
            "--seed other",
            "--sts-lifetime 0",
            "--frobnicate",
            "--listen",
            "--bucket a-1:oss-x --bucket a-1:oss-y",
            "--replication-rate 0",
            "--replication-rate -1",
            "--replication-rate NaN",
            "--replication-rate fast",
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad}");
        }
        assert!(parse(&args("--listen 0.0.0.0:0 --allow-non-loopback")).is_ok());
        assert!(matches!(parse(&args("--help")), Ok(Command::Help)));
    }
}
