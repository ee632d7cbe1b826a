//! A real studio server on a free loopback port, shared by the tests of one test binary.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The bundled Lombardy data folder of this repository (part of the repo, not `../shared`).
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/lombardy")
}

/// Starts (once per test binary) a server on the bundled Lombardy data with a fresh database in
/// a temporary folder; returns its base URL.
pub fn server() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| start_server(data_dir()))
}

/// Starts a server on the data folder `data` with a fresh database in a temporary folder, on its
/// own thread and runtime so that it outlives each test's runtime; returns its base URL.
pub fn start_server(data: PathBuf) -> String {
    let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
    std::thread::spawn(move || {
        let dir = tempfile::tempdir().expect("temp dir");
        let region = ambit_server::Region::load(&data, None).expect("data folder");
        let store = ambit_store::Store::open(&dir.path().join("studio.db")).expect("store");
        let studio = ambit_server::Studio::new(region, store);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            axum::serve(listener, ambit_server::router(studio))
                .await
                .expect("serve");
            drop(dir);
        });
    });
    let addr = rx.recv().expect("server started");
    format!("http://{addr}")
}

/// Population of a set of 2018 comuni, read from comuni_2018.csv independently of the library
/// (column `pop_best`), to check the audit's sums.
pub fn population_of(codes: &[String]) -> u64 {
    let mut r = csv::Reader::from_path(data_dir().join("comuni_2018.csv")).expect("csv");
    let h = r.headers().expect("header").clone();
    let ci = h
        .iter()
        .position(|x| x == "istat_code")
        .expect("istat_code");
    let cp = h.iter().position(|x| x == "pop_best").expect("pop_best");
    r.records()
        .map(|rec| rec.expect("record"))
        .filter(|rec| codes.iter().any(|c| c == &rec[ci]))
        .map(|rec| rec[cp].parse::<u64>().expect("population"))
        .sum()
}

/// Sends a request to the server at `base` (a JSON body when given); returns the status and the
/// body as JSON (or as a JSON string when it is not JSON).
pub async fn request(
    base: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<&serde_json::Value>,
) -> (reqwest::StatusCode, serde_json::Value) {
    let mut r = reqwest::Client::new().request(method, format!("{base}{path}"));
    if let Some(b) = body {
        r = r.json(b);
    }
    status_and_json(r.send().await.expect("request sent")).await
}

/// A response's status and body as JSON (or as a JSON string when it is not JSON).
pub async fn status_and_json(r: reqwest::Response) -> (reqwest::StatusCode, serde_json::Value) {
    let status = r.status();
    let text = r.text().await.expect("response body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

/// Polls optimiser run `id` of the server at `base` until it is no longer running (bounded: a
/// stuck run fails the test after 240 s).
pub async fn wait_run(base: &str, id: u64) -> serde_json::Value {
    for _ in 0..2400 {
        let (st, v) = request(
            base,
            reqwest::Method::GET,
            &format!("/api/optimiser/runs/{id}"),
            None,
        )
        .await;
        assert_eq!(st, reqwest::StatusCode::OK, "{v}");
        if v["state"] != "running" {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("run {id} still running after 240 s");
}

/// Requests of one load burst.
pub const REQUESTS: usize = 200;

/// Sends `REQUESTS` copies of `body` at once; prints the figures; returns the error count.
pub async fn burst(
    client: &reqwest::Client,
    label: &str,
    body: serde_json::Value,
    districts: u64,
) -> usize {
    let url = format!("{}/api/audit", server());
    let started = std::time::Instant::now();
    let tasks: Vec<_> = (0..REQUESTS)
        .map(|_| {
            let (client, body, url) = (client.clone(), body.clone(), url.clone());
            tokio::spawn(async move {
                let t = std::time::Instant::now();
                let ok = match client.post(url).json(&body).send().await {
                    Ok(r) if r.status().is_success() => r
                        .json::<serde_json::Value>()
                        .await
                        .map(|v| v["summary"]["districts"] == districts)
                        .unwrap_or(false),
                    _ => false,
                };
                (ok, t.elapsed())
            })
        })
        .collect();
    let mut all = Vec::with_capacity(REQUESTS);
    for t in tasks {
        all.push(t.await.unwrap_or((false, std::time::Duration::ZERO)));
    }
    let wall = started.elapsed();
    let errors = all.iter().filter(|(ok, _)| !ok).count();
    let mut lat: Vec<f64> = all.iter().map(|(_, d)| d.as_secs_f64() * 1e3).collect();
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{REQUESTS} concurrent audits, {label}: {errors} errors, wall {:.2} s, {:.0} req/s, \
         latency p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        wall.as_secs_f64(),
        REQUESTS as f64 / wall.as_secs_f64(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    errors
}

/// `GET path` on the server at `base`, which must answer 200 with JSON.
pub async fn get_json(base: &str, path: &str) -> serde_json::Value {
    let (status, v) = request(base, reqwest::Method::GET, path, None).await;
    assert_eq!(status, reqwest::StatusCode::OK, "GET {path}: {v}");
    v
}
