//! `linkscope.toml`: a site's settings, so that CI runs `linkscope audit` with no flags.
//!
//! ```toml
//! profile = "linkscope-profile.json"   # relative to this file
//! paths = ["_posts", "_includes"]      # what to read (default: this folder)
//! include = ["**/*.md"]
//! exclude = ["_drafts/**"]
//! fail-on = ["untagged", "wrongMarketplace", "malformed"]
//! base-url = "https://blog.example/"
//! max-file-size = "64M"
//! ```
//! Flags given on the command line win over the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::exit::Failure;
use crate::input::read_file;

pub const FILE_NAME: &str = "linkscope.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub profile: Option<PathBuf>,
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub fail_on: Vec<String>,
    pub base_url: Option<String>,
    pub max_file_size: Option<String>,
}

/// The `linkscope.toml` of the site: in the folder given first or a folder above it inside the
/// current one (`linkscope audit _posts` from the site's root), else in the current folder.
/// Paths in it are made relative to its folder.
pub fn find(paths: &[PathBuf]) -> Result<Option<Config>, Failure> {
    let here = PathBuf::from(".");
    let mut dirs = Vec::new();
    if let Some(given) = paths.first().filter(|p| p.is_dir()) {
        dirs.push(given.clone());
        if let (Ok(given), Ok(cwd)) = (given.canonicalize(), here.canonicalize()) {
            let above = given
                .ancestors()
                .skip(1)
                .take_while(|d| d.starts_with(&cwd));
            dirs.extend(above.map(Path::to_path_buf));
        }
    }
    dirs.push(here);
    for dir in dirs {
        let file = dir.join(FILE_NAME);
        if file.exists() {
            return load(&file, &dir).map(Some);
        }
    }
    Ok(None)
}

fn load(file: &Path, dir: &Path) -> Result<Config, Failure> {
    let bytes = read_file(file, 1 << 20, "")
        .map_err(|e| Failure(format!("cannot read {}: {e}", file.display())))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure(format!("{}: not UTF-8 text", file.display())))?;
    let mut config: Config =
        toml::from_str(&text).map_err(|e| Failure(format!("{}: {e}", file.display())))?;
    let relative = |p: PathBuf| if p.is_absolute() { p } else { dir.join(p) };
    config.profile = config.profile.map(relative);
    config.paths = config.paths.into_iter().map(relative).collect();
    Ok(config)
}
