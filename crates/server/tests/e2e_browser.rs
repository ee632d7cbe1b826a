//! End to end in a real headless Chromium driven through chromedriver (WebDriver): the page
//! loads and draws every polygon, a merge changes the validation, a saved scenario survives a
//! reload, and the cases page runs QCA over stored case files. Skips (printing why) when
//! Debian's `chromium` / `chromedriver` are not installed; CI installs them with
//! `.ci/install-browser.sh`.

mod common;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Kills chromedriver (and with it the browser) when the test ends, even on a failed assert.
struct Driver(Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

async fn start_browser(profile: &Path) -> (Driver, Client) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("WebDriver session");
    (driver, client)
}

/// Evaluates `expr` in the page until it is truthy; returns its value.
async fn wait_for(c: &Client, expr: &str, what: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let v = c
            .execute(&format!("return ({expr});"), vec![])
            .await
            .expect("script runs");
        let truthy =
            !matches!(&v, Value::Null | Value::Bool(false)) && v != json!(0) && v != json!("");
        if truthy {
            return v;
        }
        if Instant::now() > deadline {
            let status = c
                .execute(
                    "return document.getElementById('status').textContent",
                    vec![],
                )
                .await
                .unwrap_or(Value::Null);
            panic!("timed out waiting for {what} ({expr}); status: {status}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn validation(c: &Client, attr: &str) -> i64 {
    c.execute(
        &format!("return Number(document.getElementById('validation').dataset.{attr})"),
        vec![],
    )
    .await
    .expect("script")
    .as_i64()
    .expect("a number")
}

fn artefact_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e");
    std::fs::create_dir_all(&dir).expect("artefact dir");
    dir
}

/// True when Debian's chromium and chromedriver are there; else says why the test is skipped.
fn browser_installed() -> bool {
    let ok = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !ok {
        println!(
            "SKIPPED e2e_browser: {CHROMIUM} or {CHROMEDRIVER} not installed \
             (run .ci/install-browser.sh as root to install Debian's chromium and chromium-driver)"
        );
    }
    ok
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn set_value(c: &Client, css: &str, value: &str) {
    c.execute(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change'));",
        vec![json!(css), json!(value)],
    )
    .await
    .unwrap_or_else(|e| panic!("set {css}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_merge_validate_save_reload() {
    if !browser_installed() {
        return;
    }
    let base = common::server();
    let profile = tempfile::tempdir().expect("profile dir");
    let (_driver, c) = start_browser(profile.path()).await;

    c.goto(&format!("{base}/")).await.expect("page loads");
    wait_for(
        &c,
        "document.body.dataset.ready === '1'",
        "the page to load",
    )
    .await;
    let drawn = c
        .execute(
            "return document.querySelectorAll('#map path.comune').length",
            vec![],
        )
        .await
        .expect("count");
    assert_eq!(drawn, json!(1506), "one path per 2021 polygon");
    let ready_ms = c
        .execute("return window.studio.readyMs", vec![])
        .await
        .expect("timing");
    println!("first paint of the map (page start to drawn and validated): {ready_ms} ms");

    // Start from the bundled 2017 ambiti: 5 districts, Seriate (77,716) below 80,000.
    c.find(Locator::Css("#base-map"))
        .await
        .expect("base map select")
        .select_by_value("ambiti-2017")
        .await
        .expect("choose ambiti-2017");
    c.find(Locator::Css("#load-base"))
        .await
        .expect("start")
        .click()
        .await
        .expect("click");
    wait_for(
        &c,
        "document.getElementById('validation').dataset.districts === '5'",
        "5 districts",
    )
    .await;
    assert_eq!(validation(&c, "noncompliant").await, 1);
    assert_eq!(validation(&c, "compliant").await, 4);

    // Merge Seriate into Romano di Lombardia: 84,880 + 77,716 = 162,596 > 80,000.
    c.find(Locator::Css("#merge-a"))
        .await
        .expect("merge a")
        .select_by_value("Romano di Lombardia")
        .await
        .expect("choose a");
    c.find(Locator::Css("#merge-b"))
        .await
        .expect("merge b")
        .select_by_value("Seriate")
        .await
        .expect("choose b");
    c.find(Locator::Css("#merge"))
        .await
        .expect("merge")
        .click()
        .await
        .expect("click");
    wait_for(
        &c,
        "document.getElementById('validation').dataset.districts === '4'",
        "4 districts",
    )
    .await;
    assert_eq!(validation(&c, "noncompliant").await, 0);
    assert_eq!(validation(&c, "compliant").await, 4);
    let pop = wait_for(&c, "document.getElementById('district-pop') && document.getElementById('district-pop').textContent", "district figures").await;
    assert_eq!(pop, json!("162,596"));

    // Undo brings Seriate back; redo merges again.
    c.find(Locator::Css("#undo"))
        .await
        .expect("undo")
        .click()
        .await
        .expect("click");
    wait_for(
        &c,
        "document.getElementById('validation').dataset.districts === '5'",
        "undo",
    )
    .await;
    c.find(Locator::Css("#redo"))
        .await
        .expect("redo")
        .click()
        .await
        .expect("click");
    wait_for(
        &c,
        "document.getElementById('validation').dataset.districts === '4'",
        "redo",
    )
    .await;

    // Save, reload the page, find and load the scenario.
    let name = format!("e2e merge {}", std::process::id());
    c.find(Locator::Css("#scenario-name"))
        .await
        .expect("name box")
        .send_keys(&name)
        .await
        .expect("type");
    c.find(Locator::Css("#save"))
        .await
        .expect("save")
        .click()
        .await
        .expect("click");
    wait_for(
        &c,
        "document.getElementById('status').textContent.startsWith('saved')",
        "saved",
    )
    .await;

    c.goto(&format!("{base}/")).await.expect("reload");
    wait_for(
        &c,
        "document.body.dataset.ready === '1'",
        "the page to reload",
    )
    .await;
    let id = c
        .execute(
            "const o = [...document.querySelectorAll('#scenario-select option')].find(o => o.textContent.startsWith(arguments[0])); return o ? o.value : null;",
            vec![json!(name)],
        )
        .await
        .expect("find option");
    let id = id
        .as_str()
        .expect("the saved scenario is listed after a reload")
        .to_string();
    c.find(Locator::Css("#scenario-select"))
        .await
        .expect("select")
        .select_by_value(&id)
        .await
        .expect("choose");
    c.find(Locator::Css("#scenario-load"))
        .await
        .expect("load")
        .click()
        .await
        .expect("click");
    wait_for(&c, "document.getElementById('scenario-loaded') && document.getElementById('validation').dataset.districts === '4'", "the scenario to load").await;
    let loaded = c
        .execute(
            "return document.getElementById('scenario-loaded').textContent",
            vec![],
        )
        .await
        .expect("name");
    assert_eq!(loaded, json!(name));
    assert_eq!(validation(&c, "noncompliant").await, 0);

    c.find(Locator::Css("#colour-mode"))
        .await
        .expect("colour select")
        .select_by_value("compliance")
        .await
        .expect("compliance colours");
    let png = c.screenshot().await.expect("screenshot");
    let out = artefact_dir().join("studio-merge.png");
    std::fs::write(&out, &png).expect("write screenshot");
    println!("screenshot: {}", out.display());
    assert!(png.starts_with(b"\x89PNG"));
    cases_page_runs_qca(&c, base).await;
    c.close().await.expect("close session");
}

/// The cases page: the four study cases stored, chosen by their checkboxes, Run QCA, and the
/// study's solution (TIES) read in the page, then listed among the stored analyses.
async fn cases_page_runs_qca(c: &Client, base: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../cases/lombardy-2018");
    let http = reqwest::Client::new();
    for case in ["a", "b", "c", "d"] {
        let content = std::fs::read_to_string(dir.join(format!("{case}.toml"))).expect("case");
        let r = http
            .post(format!("{base}/api/case-files"))
            .json(&json!({ "name": format!("e2e-{case}.toml"), "content": content }))
            .send()
            .await
            .expect("store a case file");
        assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    }
    c.goto(&format!("{base}/cases")).await.expect("cases page");
    wait_for(
        c,
        "document.body.dataset.qcaReady === '1'",
        "the cases page",
    )
    .await;
    for case in ["a", "b", "c", "d"] {
        let label = Locator::XPath(&format!(
            "//div[@id='qca-files']//label[contains(., 'e2e-{case}.toml')]/input"
        ));
        c.find(label)
            .await
            .expect("case checkbox")
            .click()
            .await
            .expect("tick");
    }
    c.find(Locator::Css("#qca-run"))
        .await
        .expect("Run QCA")
        .click()
        .await
        .expect("click");
    let expr = wait_for(
        c,
        "document.querySelector('.solution[data-kind=parsimonious] .model-expr')?.textContent",
        "the parsimonious solution",
    )
    .await;
    assert_eq!(expr, json!("TIES"));
    let listed = wait_for(
        c,
        "document.querySelector('#qca-analyses a')?.textContent",
        "the stored analysis in the list",
    )
    .await;
    assert_eq!(
        listed.as_str().map(|s| s.ends_with("SUCCESS = TIES")),
        Some(true)
    );
    let png = c.screenshot().await.expect("screenshot");
    let out = artefact_dir().join("studio-cases-qca.png");
    std::fs::write(&out, &png).expect("write screenshot");
    println!("screenshot: {}", out.display());
}

/// The optimiser from the page: min-change repairs the 2017 map (Seriate takes one comune of
/// Dalmine), the plan applies as an undoable edit; a long run is cancelled from the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn optimiser_from_the_page() {
    if !browser_installed() {
        return;
    }
    let base = common::server();
    let profile = tempfile::tempdir().expect("profile dir");
    let (_driver, c) = start_browser(profile.path()).await;
    c.goto(&format!("{base}/")).await.expect("page loads");
    wait_for(
        &c,
        "document.body.dataset.ready === '1'",
        "the page to load",
    )
    .await;
    set_value(&c, "#base-map", "ambiti-2017").await;
    click(&c, "#load-base").await;
    wait_for(
        &c,
        "document.getElementById('validation').dataset.noncompliant === '1'",
        "Seriate below 80,000",
    )
    .await;
    c.execute(
        "document.querySelector('#optimiser').closest('details').open = true",
        vec![],
    )
    .await
    .expect("open the panel");
    set_value(&c, "#opt-objective", "min-change").await;
    click(&c, "#opt-run").await;
    wait_for(
        &c,
        "document.getElementById('opt-state').dataset.state === 'done'",
        "the min-change run",
    )
    .await;
    let summary = wait_for(
        &c,
        "document.getElementById('opt-summary') && document.getElementById('opt-summary').textContent",
        "the run's summary",
    )
    .await;
    assert!(
        summary
            .as_str()
            .unwrap()
            .starts_with("5 compliant of 5 districts over 88 comuni"),
        "{summary}"
    );
    let moved = c
        .execute(
            "return document.getElementById('opt-result').textContent",
            vec![],
        )
        .await
        .expect("result text");
    assert!(
        moved.as_str().unwrap().contains("1 comuni moved"),
        "{moved}"
    );
    click(&c, "#opt-apply").await;
    wait_for(
        &c,
        "document.getElementById('validation').dataset.noncompliant === '0' && document.getElementById('validation').dataset.districts === '5'",
        "the repaired map validated",
    )
    .await;
    click(&c, "#undo").await;
    wait_for(
        &c,
        "document.getElementById('validation').dataset.noncompliant === '1'",
        "undo of the plan",
    )
    .await;

    // a long max-districts run, cancelled from the page
    set_value(&c, "#opt-objective", "max-districts").await;
    set_value(&c, "#opt-starts", "64").await;
    click(&c, "#opt-run").await;
    wait_for(
        &c,
        "document.getElementById('opt-state').dataset.state === 'running'",
        "the run to start",
    )
    .await;
    click(&c, "#opt-cancel").await;
    wait_for(
        &c,
        "document.getElementById('opt-state').dataset.state === 'cancelled'",
        "the cancelled run",
    )
    .await;
    let png = c.screenshot().await.expect("screenshot");
    let out = artefact_dir().join("studio-optimiser.png");
    std::fs::write(&out, &png).expect("write screenshot");
    println!("screenshot: {}", out.display());
    c.close().await.expect("close session");
}
