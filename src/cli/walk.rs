//! Which files a run reads: the `ignore` crate's walk (as ripgrep's), with `.gitignore` and
//! `.ignore` respected unless `--no-ignore`, `--include`/`--exclude` globs, hidden files and
//! folders skipped, symbolic links not followed unless asked and never followed in a loop.

use std::path::{Component, Path, PathBuf};

use ignore::overrides::OverrideBuilder;
use ignore::WalkBuilder;
use linkscope::extract::SourceFormat;

use crate::exit::Failure;

/// One source to read.
#[derive(Debug, Clone)]
pub enum Source {
    File(PathBuf, SourceFormat),
    /// Standard input (`-`), read as plain text.
    Stdin,
}

impl Source {
    /// The name reports and diffs give the source: its path as given, without `./` steps
    /// (`audit .` names `posts/a.md`, which `git apply` and code scanning take).
    pub fn name(&self) -> String {
        match self {
            Source::File(path, _) => {
                let steps = path.components().filter(|c| *c != Component::CurDir);
                steps.collect::<PathBuf>().display().to_string()
            }
            Source::Stdin => "-".into(),
        }
    }

    pub fn format(&self) -> SourceFormat {
        match self {
            Source::File(_, format) => *format,
            Source::Stdin => SourceFormat::Text,
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct WalkOptions {
    pub no_ignore: bool,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub follow_symlinks: bool,
}

/// What the walk found: the sources, and what it skipped (for warnings).
#[derive(Debug, Default)]
pub struct Walked {
    pub sources: Vec<Source>,
    pub skipped: Vec<String>,
}

/// The sources under `paths`. Files named explicitly are read whatever their name (as HTML
/// when the name does not tell); directories are searched for the source formats' extensions.
/// Unreadable directories and missing paths are errors: a run never reports on part of a site.
pub fn sources(paths: &[PathBuf], options: &WalkOptions) -> Result<Walked, Failure> {
    let mut walked = Walked::default();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            walked.sources.push(Source::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk_dir(path, options, &mut walked, &mut errors)?,
            Ok(_) => {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let format = SourceFormat::of_file_name(name).unwrap_or(SourceFormat::Html);
                walked.sources.push(Source::File(path.clone(), format));
            }
            Err(e) => errors.push(format!("cannot read {}: {e}", path.display())),
        }
    }
    if !errors.is_empty() {
        return Err(Failure(errors.join("\nlinkscope: ")));
    }
    if walked.sources.is_empty() {
        // A run that reads nothing must not pass for a clean site.
        let extensions: Vec<String> = SourceFormat::ALL
            .iter()
            .flat_map(|f| f.extensions())
            .map(|e| format!(".{e}"))
            .collect();
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(Failure(format!(
            "no source file to read under {} (looked for {})",
            names.join(", "),
            extensions.join(" ")
        )));
    }
    Ok(walked)
}

fn walk_dir(
    root: &Path,
    options: &WalkOptions,
    walked: &mut Walked,
    errors: &mut Vec<String>,
) -> Result<(), Failure> {
    let mut overrides = OverrideBuilder::new(root);
    for glob in &options.include {
        overrides
            .add(glob)
            .map_err(|e| Failure(format!("--include {glob}: {e}")))?;
    }
    for glob in &options.exclude {
        overrides
            .add(&format!("!{glob}"))
            .map_err(|e| Failure(format!("--exclude {glob}: {e}")))?;
    }
    let overrides = overrides.build().map_err(|e| Failure(e.to_string()))?;
    let respect = !options.no_ignore;
    let walk = WalkBuilder::new(root)
        .hidden(true)
        .parents(respect)
        .ignore(respect)
        .git_ignore(respect)
        .git_global(respect)
        .git_exclude(respect)
        .require_git(false)
        .follow_links(options.follow_symlinks)
        .overrides(overrides)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) if is_loop(&e) => {
                walked
                    .skipped
                    .push(format!("skipped a symbolic link loop: {e}"));
                continue;
            }
            Err(e) => {
                errors.push(format!("cannot read {e}"));
                continue;
            }
        };
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name().to_str().unwrap_or("");
        let Some(format) = SourceFormat::of_file_name(name) else {
            continue;
        };
        if file_type.is_file() {
            walked.sources.push(Source::File(entry.into_path(), format));
        } else if !file_type.is_dir() && !file_type.is_symlink() {
            walked.skipped.push(format!(
                "skipped {}: not a regular file",
                entry.path().display()
            ));
        }
    }
    Ok(())
}

fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        _ => false,
    }
}
