//! `oss-emulator`: a local Alibaba Cloud OSS replication endpoint for demos and tests.
//!
//! It verifies V1 and V4 signatures with the `oss-replication` library, vends STS
//! credentials, answers CORS like a bucket with a console-friendly rule, serves the six
//! replication operations plus enough object operations for the official SDKs, and
//! replicates objects for real in the background. State lives in SQLite. See `--help`
//! and the README's "Emulator" section.

mod app;
mod auth;
mod buckets;
mod cli;
mod clock;
mod control;
mod cors;
mod crc64;
mod errors;
mod faults;
mod ids;
mod mime;
mod objects;
mod oss;
mod regions;
mod replication_ops;
mod replicator;
mod request_log;
mod routing;
mod seed;
mod server;
mod static_files;
mod store;
mod sts;
mod xml;

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::app::App;
use crate::auth::AccountKey;
use crate::cli::{Command, Config};
use crate::clock::Clock;
use crate::cors::CorsPolicy;
use crate::faults::Faults;
use crate::ids::Ids;
use crate::request_log::RequestLog;
use crate::static_files::Roots;
use crate::store::Store;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cfg = match cli::parse(&args) {
        Ok(Command::Help) => {
            print!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Run(cfg)) => cfg,
        Err(msg) => {
            eprintln!("oss-emulator: {msg}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(16)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("oss-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(*cfg)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("oss-emulator: {msg}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

async fn run(cfg: Config) -> Result<(), String> {
    let store = Store::open(cfg.data_dir.as_deref())?;
    let ids = Ids::new();
    let clock = Clock::default();
    {
        let mut conn = store.lock();
        seed::apply(&mut conn, &cfg, &ids, clock.now_ms())?;
    }
    let listener = TcpListener::bind(cfg.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", cfg.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let www = match &cfg.www {
        Some(dir) => {
            let roots = Roots::new(dir, cfg.pkg.as_deref())?;
            let l = TcpListener::bind(cfg.www_listen)
                .await
                .map_err(|e| format!("cannot listen on {} (--www-listen): {e}", cfg.www_listen))?;
            let waddr = l.local_addr().map_err(|e| e.to_string())?;
            Some((roots, l, waddr))
        }
        None => None,
    };
    let buckets = seed::bucket_specs(&cfg);
    let app = Arc::new(App {
        cors: CorsPolicy {
            origins: cfg.allow_origins.clone(),
        },
        account: AccountKey {
            id: cfg.access_key_id.clone(),
            secret: cfg.access_key_secret.clone(),
        },
        endpoint: format!("http://{addr}"),
        bucket_names: buckets.iter().map(|b| b.name.clone()).collect(),
        buckets,
        config: cfg,
        store,
        clock,
        ids,
        faults: Faults::default(),
        requests: RequestLog::default(),
    });

    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "oss-emulator listening on http://{addr}");
    if let Some((roots, _, waddr)) = &www {
        let _ = writeln!(
            out,
            "oss-emulator serving www on http://{waddr}/ ({})",
            roots.www.display()
        );
        if let Some(pkg) = &roots.pkg {
            let _ = writeln!(out, "oss-emulator serving /pkg/ from {}", pkg.display());
        }
    }
    if app.config.seed_demo {
        let _ = writeln!(
            out,
            "demo endpoint:      http://{addr} (path style; buckets also answer as <bucket>.localhost:{})",
            addr.port()
        );
        let _ = writeln!(
            out,
            "demo credentials:   AccessKeyId {}  AccessKeySecret {}",
            app.account.id, app.account.secret
        );
        let _ = writeln!(
            out,
            "demo STS:           http://{addr}/_emulator/sts  (lifetime {} s; ?lifetime=SECS)",
            app.config.sts_lifetime
        );
        let list: Vec<String> = seed::DEMO_BUCKETS
            .iter()
            .map(|(n, l)| format!("{n} ({l})"))
            .collect();
        let _ = writeln!(out, "demo buckets:       {}", list.join(", "));
        let _ = writeln!(
            out,
            "demo rule:          demo-logs-to-beijing (demo-hangzhou logs/ -> demo-beijing)"
        );
    }
    if let Some(dir) = &app.config.data_dir {
        let _ = writeln!(
            out,
            "oss-emulator state in {}",
            dir.join(store::DB_FILE).display()
        );
    }
    let _ = out.flush();
    drop(out);

    tokio::spawn(replicator::run(app.clone()));
    if let Some((roots, l, _)) = www {
        let roots = Arc::new(roots);
        let a = app.clone();
        tokio::spawn(server::serve(l, move |req| {
            server::handle_www(a.clone(), roots.clone(), req)
        }));
    }
    let a = app.clone();
    tokio::select! {
        () = server::serve(listener, move |req| server::handle(a.clone(), req)) => {}
        () = shutdown_signal() => {
            eprintln!("oss-emulator: stopping");
        }
    }
    Ok(())
}
