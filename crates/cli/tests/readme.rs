//! Every `ambit` command shown in a code block of README.md runs and succeeds from the
//! repository root; where the README shows its output in full (no `...`), the output holds
//! each shown line.

mod common;

use common::{all_text, ambit, repo, text};

/// A command of the README and the output lines shown under it.
struct Example {
    line: usize,
    args: Vec<String>,
    shown: Vec<String>,
    elided: bool,
}

/// The commands of the README's fenced code blocks: `$ ambit ...` lines (with the output shown
/// up to the next prompt) and bare `ambit ...` lines of shell blocks (with `\` continuations);
/// `cargo run ... -p ambit -- ARGS` counts as `ambit ARGS`.
fn examples(readme: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_block = false;
    // shell blocks hold commands only; text blocks show `$ ` prompts with their output
    let mut shell = false;
    let mut current: Option<Example> = None;
    let mut continued: Option<(usize, String)> = None;
    for (i, raw) in readme.lines().enumerate() {
        let line = raw.trim_end();
        if let Some(lang) = line.strip_prefix("```") {
            in_block = !in_block;
            shell = in_block && matches!(lang.trim(), "sh" | "bash" | "shell");
            out.extend(current.take());
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some((at, mut acc)) = continued.take() {
            acc.push(' ');
            acc.push_str(line.trim().trim_end_matches('\\'));
            if line.ends_with('\\') {
                continued = Some((at, acc));
            } else {
                out.push(example(at, &acc));
            }
            continue;
        }
        let command = line
            .strip_prefix("$ ")
            .map(str::to_string)
            .or_else(|| line.starts_with("ambit ").then(|| line.to_string()))
            .or_else(|| {
                line.split_once(" -p ambit -- ")
                    .filter(|(a, _)| a.starts_with("cargo run"))
                    .map(|(_, rest)| format!("ambit {rest}"))
            });
        match command {
            Some(c) if c.starts_with("ambit ") => {
                out.extend(current.take());
                let c = c.split("  #").next().unwrap_or(&c).trim().to_string();
                if c.ends_with('\\') {
                    continued = Some((i + 1, c.trim_end_matches('\\').to_string()));
                } else {
                    current = Some(example(i + 1, &c));
                }
            }
            Some(_) => out.extend(current.take()),
            None if shell => out.extend(current.take()),
            None => {
                if let Some(e) = current.as_mut() {
                    if line.trim() == "..." || line.contains(" ... ") {
                        e.elided = true;
                    } else {
                        e.shown.push(line.to_string());
                    }
                }
            }
        }
    }
    out.extend(current);
    out
}

fn example(line: usize, command: &str) -> Example {
    Example {
        line,
        args: command
            .split_whitespace()
            .skip(1)
            .map(str::to_string)
            .collect(),
        shown: Vec::new(),
        elided: false,
    }
}

#[test]
fn every_command_of_the_readme_runs() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let all = examples(&readme);
    // audit (twice), cases matrix, assess, govern: the README's five shown commands
    assert!(all.len() >= 5, "{} commands found", all.len());
    for e in &all {
        let o = ambit().args(&e.args).output().unwrap();
        let out = all_text(&o);
        assert!(
            o.status.success(),
            "README.md:{}: ambit {} failed:\n{out}",
            e.line,
            e.args.join(" ")
        );
        if !e.elided {
            let stdout = text(&o.stdout);
            for shown in &e.shown {
                assert!(
                    stdout.lines().any(|l| l.trim_end() == shown.trim_end()),
                    "README.md:{}: `ambit {}` does not print the line shown:\n{shown}\nit prints:\n{stdout}",
                    e.line,
                    e.args.join(" ")
                );
            }
        }
    }
}
