//! Every `ambit` command shown in a code block of README.md runs and succeeds from the
//! repository root (files it writes go to a scratch folder); where the README shows its output
//! in full (no `...`), the output holds each shown line. A block fenced ```` ```sh template ````
//! shows a recipe over the reader's own files: its commands are checked against `--help`
//! (the subcommand exists and takes every flag shown), not run.

mod common;

use common::{all_text, ambit, repo, text};

/// A command of the README and the output lines shown under it.
struct Example {
    line: usize,
    args: Vec<String>,
    shown: Vec<String>,
    elided: bool,
    template: bool,
}

/// The commands of the README's fenced code blocks: `$ ambit ...` lines (with the output shown
/// up to the next prompt) and bare `ambit ...` lines of shell blocks (with `\` continuations);
/// `cargo run ... -p ambit -- ARGS` counts as `ambit ARGS`.
fn examples(readme: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_block = false;
    // shell blocks hold commands only; text blocks show `$ ` prompts with their output
    let mut shell = false;
    // a recipe over the reader's own files: checked, not run
    let mut template = false;
    let mut current: Option<Example> = None;
    let mut continued: Option<(usize, String)> = None;
    for (i, raw) in readme.lines().enumerate() {
        let line = raw.trim_end();
        if let Some(lang) = line.strip_prefix("```") {
            in_block = !in_block;
            let mut words = lang.split_whitespace();
            shell = in_block && matches!(words.next(), Some("sh" | "bash" | "shell"));
            template = shell && words.next() == Some("template");
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
                out.push(example(at, &acc, template));
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
                    current = Some(example(i + 1, &c, template));
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

fn example(line: usize, command: &str, template: bool) -> Example {
    Example {
        line,
        args: words(command).into_iter().skip(1).collect(),
        shown: Vec::new(),
        elided: false,
        template,
    }
}

/// The words of a shell command line, with double-quoted words kept whole.
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in command.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The arguments with every output path (`-o`, `--output`, `--out`, `--chart`) moved into
/// `scratch`, so that running the README leaves the repository as it was.
fn into_scratch(args: &[String], scratch: &std::path::Path) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut next_is_output = false;
    for a in args {
        if next_is_output {
            let name = std::path::Path::new(a).file_name().unwrap_or_default();
            out.push(scratch.join(name).display().to_string());
        } else {
            out.push(a.clone());
        }
        next_is_output = matches!(a.as_str(), "-o" | "--output" | "--out" | "--chart");
    }
    out
}

/// A recipe's command checked against its subcommand's `--help`: the subcommand exists and
/// takes every flag the recipe shows.
fn check_template(e: &Example) {
    let subcommand: Vec<&String> = e.args.iter().take_while(|a| !a.starts_with('-')).collect();
    let o = ambit().args(&subcommand).arg("--help").output().unwrap();
    let help = text(&o.stdout);
    assert!(
        o.status.success(),
        "README.md:{}: `ambit {}` is not a command:\n{}",
        e.line,
        subcommand
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        all_text(&o)
    );
    for flag in e.args.iter().filter(|a| a.starts_with("--")) {
        let flag = flag.split('=').next().unwrap_or(flag);
        assert!(
            help.split(|c: char| !(c.is_alphanumeric() || c == '-'))
                .any(|w| w == flag),
            "README.md:{}: `ambit {}` has no flag {flag}",
            e.line,
            subcommand
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}

#[test]
fn every_command_of_the_readme_runs() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let all = examples(&readme);
    // audit (twice), cases matrix, assess, govern: the README's five shown commands
    assert!(all.len() >= 5, "{} commands found", all.len());
    let scratch = tempfile::tempdir().unwrap();
    for e in &all {
        if e.template {
            check_template(e);
            continue;
        }
        let o = ambit()
            .args(into_scratch(&e.args, scratch.path()))
            .output()
            .unwrap();
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

#[test]
#[should_panic(expected = "has no flag --no-such-flag")]
fn a_recipe_with_a_flag_the_command_lacks_fails() {
    let readme = "```sh template\nambit import --out x --no-such-flag y\n```\n";
    for e in examples(readme) {
        check_template(&e);
    }
}

#[test]
fn quoted_words_stay_whole_and_outputs_go_to_scratch() {
    let e = &examples("```sh\nambit map --name \"My country\" -o france.svg\n```\n")[0];
    assert_eq!(e.args, ["map", "--name", "My country", "-o", "france.svg"]);
    let moved = into_scratch(&e.args, std::path::Path::new("/s"));
    assert_eq!(moved[4], "/s/france.svg");
}
