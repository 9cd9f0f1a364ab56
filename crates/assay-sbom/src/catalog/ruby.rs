//! Ruby gems, from installed gem specifications and from Bundler lockfiles.
//!
//! Evidence:
//!
//! - `<gem home>/specifications/**/*.gemspec`: the Ruby source RubyGems writes for every
//!   installed gem (`Gem::Specification#to_ruby`, see the RubyGems specification reference,
//!   guides.rubygems.org/specification-reference). Only the literal assignments RubyGems emits
//!   are read — `s.name = "x".freeze`, `s.version = "1.2"` (or `Gem::Version.new("1.2")`),
//!   `s.licenses = [...]`, `s.authors`, `s.email`, `s.homepage`, `s.platform` — and the
//!   `s.add_runtime_dependency` / `s.add_dependency` calls, which become `DEPENDS_ON` edges to
//!   gems installed in the same gem home. The code is never evaluated.
//! - `Gemfile.lock` (and `gems.locked`): Bundler's lockfile (bundler's `LockfileParser`). The
//!   `GEM`, `GIT` and `PATH` sections list their `remote:` (and `revision:`), then under
//!   `specs:` one gem per 4-space line, `name (version[-platform])`, followed by its
//!   dependencies on 6-space lines; those become `DEPENDS_ON` edges within the lockfile.
//!   Other sections (`PLATFORMS`, `DEPENDENCIES`, `BUNDLED WITH`, ...) describe the project.
//!
//! Gems from rubygems.org name it as supplier (no author is recorded in a lockfile) and download
//! from `https://rubygems.org/downloads/<name>-<version>.gem`.

use std::collections::BTreeMap;
use std::iter::Peekable;
use std::str::Chars;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// syft's name for the installed-gemspec cataloger.
const GEMSPEC: &str = "ruby-installed-gemspec-cataloger";
/// syft's name for the Gemfile.lock cataloger.
const GEMFILE: &str = "ruby-gemfile-cataloger";
/// The public gem registry.
const RUBYGEMS: &str = "rubygems.org";
/// At most this many problems are reported per file; the rest are counted.
const MAX_PROBLEMS: usize = 10;

/// The Ruby cataloger: installed gemspecs and Bundler lockfiles.
#[derive(Debug, Clone, Copy)]
pub struct RubyCataloger;

impl Cataloger for RubyCataloger {
    fn name(&self) -> &'static str {
        "ruby-cataloger"
    }

    fn wants(&self, path: &TreePath) -> bool {
        is_lockfile(path) || gem_home(path).is_some()
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        let mut specs = Vec::new();
        for entry in files {
            let cataloger = if is_lockfile(&entry.path) {
                GEMFILE
            } else {
                GEMSPEC
            };
            let text = match read_text(tree, entry) {
                Ok(t) if t.contains('\0') => {
                    out.warn(cataloger, &entry.path, "binary data (a NUL byte), not Ruby");
                    continue;
                }
                Ok(t) => t,
                Err(e) => {
                    out.warn(cataloger, &entry.path, e);
                    continue;
                }
            };
            if cataloger == GEMFILE {
                catalog_lockfile(&text, entry, out);
            } else if let Some(spec) = installed_gem(&text, entry, out) {
                specs.push(spec);
            }
        }
        relate_installed(&specs, out);
        out.packages.extend(specs.into_iter().map(|s| s.package));
    }
}

fn is_lockfile(path: &TreePath) -> bool {
    matches!(path.file_name(), "Gemfile.lock" | "gems.locked")
}

/// The gem home of an installed gemspec: the directory holding `specifications/`.
fn gem_home(path: &TreePath) -> Option<String> {
    if !path.file_name().ends_with(".gemspec") {
        return None;
    }
    let parts: Vec<&str> = path.components().collect();
    let dirs = parts.get(..parts.len().saturating_sub(1))?;
    let at = dirs.iter().rposition(|c| *c == "specifications")?;
    Some(dirs.get(..at)?.join("/"))
}

/// `pkg:gem/<name>@<version>` with its qualifiers, or a warning text.
fn gem_purl(name: &str, version: &str, qualifiers: &[(&str, &str)]) -> Result<Purl, String> {
    let purl = Purl::new("gem", None, name, Some(version))
        .map_err(|e| format!("{name} {version}: no valid package URL: {e}"))?;
    Ok(qualifiers
        .iter()
        .fold(purl, |p, (k, v)| p.with_qualifier(k, v)))
}

fn rubygems() -> Party {
    Party::Organization {
        name: RUBYGEMS.to_owned(),
        email: None,
    }
}

/// The gem file's URL on rubygems.org (platform gems carry the platform in the file name).
fn rubygems_download(name: &str, version: &str, platform: Option<&str>) -> String {
    match platform {
        Some(p) => format!("https://rubygems.org/downloads/{name}-{version}-{p}.gem"),
        None => format!("https://rubygems.org/downloads/{name}-{version}.gem"),
    }
}

/// Several licenses in a gemspec are alternatives, as in Ruby's own `["Ruby", "BSD-2-Clause"]`.
fn any_of(licenses: &[String]) -> Option<String> {
    let all: Vec<String> = licenses
        .iter()
        .filter_map(|l| crate::license::normalize(l))
        .collect();
    let wrap = |l: &String| match l.contains(' ') {
        true if all.len() > 1 => format!("({l})"),
        _ => l.clone(),
    };
    (!all.is_empty()).then(|| all.iter().map(wrap).collect::<Vec<_>>().join(" OR "))
}

/// Reports the first [`MAX_PROBLEMS`] problems of one file, and how many more there were.
fn report(cataloger: &str, path: &TreePath, problems: Vec<String>, out: &mut Found) {
    let extra = problems.len().saturating_sub(MAX_PROBLEMS);
    for p in problems.into_iter().take(MAX_PROBLEMS) {
        out.warn(cataloger, path, p);
    }
    if extra > 0 {
        out.warn(cataloger, path, format!("{extra} more problems not shown"));
    }
}

// ------------------------------------------------------------------------ installed gemspecs

/// An installed gem and what it needs.
struct InstalledGem {
    package: Package,
    home: String,
    requires: Vec<String>,
}

/// What a generated gemspec says, from its literal assignments.
#[derive(Debug, Default, PartialEq, Eq)]
struct Gemspec {
    name: Option<String>,
    version: Option<String>,
    platform: Option<String>,
    licenses: Vec<String>,
    authors: Vec<String>,
    emails: Vec<String>,
    homepage: Option<String>,
    requires: Vec<String>,
}

impl Gemspec {
    fn parse(text: &str) -> Self {
        let mut g = Self::default();
        for line in text.lines() {
            if let Some((attr, args)) = call(line) {
                g.set(attr, literals(args));
            }
        }
        g
    }

    /// Applies one `s.<attr> = <values>` or `s.<attr>(<values>)`; a later assignment wins.
    fn set(&mut self, attr: &str, values: Vec<String>) {
        let first = values.first().cloned();
        match attr {
            "name" => self.name = first.or(self.name.take()),
            "version" => self.version = first.or(self.version.take()),
            "platform" => self.platform = first.filter(|p| p != "ruby"),
            "license" | "licenses" => self.licenses = values,
            "author" | "authors" => self.authors = values,
            "email" => self.emails = values,
            "homepage" => self.homepage = first,
            "add_runtime_dependency" | "add_dependency" => {
                if let Some(dep) = first.filter(|d| !self.requires.contains(d)) {
                    self.requires.push(dep);
                }
            }
            _ => {}
        }
    }

    /// The first author, with the address when each author has one (or there is one of each).
    fn supplier(&self) -> Option<Party> {
        let author = self.authors.first()?;
        let paired = self.authors.len() == self.emails.len();
        match self.emails.first().filter(|_| paired) {
            Some(email) => Party::person_from(&format!("{author} <{email}>")),
            None => Party::person_from(author),
        }
    }
}

/// `recv.attr = args`, `recv.attr(args)` or `recv.attr args` on a gemspec line.
fn call(line: &str) -> Option<(&str, &str)> {
    let (recv, rest) = line.trim_start().split_once('.')?;
    let plain = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if recv.is_empty() || !plain(recv) {
        return None;
    }
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (attr, args) = (rest.get(..end)?, rest.get(end..)?.trim_start());
    if args.starts_with("==") || args.starts_with("=~") {
        return None;
    }
    let args = args.strip_prefix('=').unwrap_or(args);
    Some((attr, args))
}

fn installed_gem(text: &str, entry: &TreeEntry, out: &mut Found) -> Option<InstalledGem> {
    let home = gem_home(&entry.path)?;
    let spec = Gemspec::parse(text);
    let Some(name) = spec.name.clone() else {
        out.warn(GEMSPEC, &entry.path, "no literal `name` assignment");
        return None;
    };
    let Some(version) = spec
        .version
        .clone()
        .or_else(|| version_from_file_name(entry.path.file_name(), &name))
    else {
        out.warn(GEMSPEC, &entry.path, format!("{name}: no version"));
        return None;
    };
    let platform = spec.platform.as_deref();
    let purl = match gem_purl(&name, &version, &[("platform", platform.unwrap_or(""))]) {
        Ok(p) => p,
        Err(e) => {
            out.warn(GEMSPEC, &entry.path, e);
            return None;
        }
    };
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut p = Package::new(PackageKind::Gem, &name, &version, purl, location, GEMSPEC);
    p.license = any_of(&spec.licenses);
    p.supplier = spec.supplier().or_else(|| Some(rubygems()));
    p.homepage = spec
        .homepage
        .as_deref()
        .and_then(|h| interpolate(h, &name, &version));
    p.download_location = Some(rubygems_download(&name, &version, platform));
    if let Some(platform) = platform {
        p.metadata
            .insert("platform".to_owned(), platform.to_owned());
    }
    Some(InstalledGem {
        package: p,
        home,
        requires: spec.requires,
    })
}

/// `name-1.2.3.gemspec` (or `name-1.2.3-x86_64-linux.gemspec`) → `1.2.3`.
fn version_from_file_name(file: &str, name: &str) -> Option<String> {
    let stem = file.strip_suffix(".gemspec")?;
    let rest = stem.strip_prefix(name)?.strip_prefix('-')?;
    let version = rest.split('-').next().unwrap_or(rest);
    (!version.is_empty()).then(|| version.to_owned())
}

/// Resolves `#{s.name}` and `#{s.version}` in a string; `None` if anything else is interpolated.
fn interpolate(text: &str, name: &str, version: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some((before, after)) = rest.split_once("#{") {
        let (expr, tail) = after.split_once('}')?;
        out.push_str(before);
        if expr.ends_with(".name") {
            out.push_str(name);
        } else if expr.ends_with(".version") {
            out.push_str(version);
        } else {
            return None;
        }
        rest = tail;
    }
    out.push_str(rest);
    Some(out)
}

/// Edges from each installed gem to the gems it requires that live in the same gem home.
fn relate_installed(gems: &[InstalledGem], out: &mut Found) {
    let mut index: BTreeMap<(&str, &str), Vec<&PackageId>> = BTreeMap::new();
    for g in gems {
        let key = (g.home.as_str(), g.package.name.as_str());
        index.entry(key).or_default().push(&g.package.id);
    }
    for g in gems {
        for req in &g.requires {
            let key = (g.home.as_str(), req.as_str());
            for to in index.get(&key).into_iter().flatten() {
                out.depends(&g.package.id, to);
            }
        }
    }
}

// ------------------------------------------------------------------------ Ruby string literals

/// The string literals in a fragment of Ruby code, up to a `#` comment: `"..."` (with escapes
/// and `#{...}` kept as written), `'...'`, `%q(...)`, `%Q(...)`, `%(...)`, and the words of
/// `%w(...)`. Method calls around them (`.freeze`, `Gem::Version.new(...)`) are skipped.
fn literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => break,
            '"' => out.push(quoted(&mut chars, '"', '"', true)),
            '\'' => out.push(quoted(&mut chars, '\'', '\'', false)),
            '%' => out.extend(percent(&mut chars)),
            _ => {}
        }
    }
    out
}

/// A `%` literal after its `%`: `q`/`Q`/`w`/`W`/`i`/`I` or nothing, then a delimiter.
fn percent(chars: &mut Peekable<Chars<'_>>) -> Vec<String> {
    let kind = chars
        .next_if(|c| matches!(c, 'q' | 'Q' | 'w' | 'W' | 'i' | 'I'))
        .unwrap_or('Q');
    let Some(open) = chars.next_if(|c| c.is_ascii_punctuation()) else {
        return Vec::new();
    };
    let close = match open {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        '<' => '>',
        c => c,
    };
    let body = quoted(
        chars,
        open,
        close,
        kind == 'Q' || kind == 'W' || kind == 'I',
    );
    match kind {
        'q' | 'Q' => vec![body],
        _ => body.split_whitespace().map(str::to_owned).collect(),
    }
}

/// The rest of a literal up to its unnested `close`, with double-quote escapes when `escapes`.
fn quoted(chars: &mut Peekable<Chars<'_>>, open: char, close: char, escapes: bool) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' if escapes => escape(chars, &mut out),
            '\\' => match chars.next() {
                Some(e) if e == '\\' || e == close || e == open => out.push(e),
                Some(e) => out.extend(['\\', e]),
                None => out.push('\\'),
            },
            c if c == close && depth == 0 => break,
            c => {
                if c == close {
                    depth -= 1;
                } else if c == open && open != close {
                    depth += 1;
                }
                out.push(c);
            }
        }
    }
    out
}

/// One backslash escape of a double-quoted Ruby string.
fn escape(chars: &mut Peekable<Chars<'_>>, out: &mut String) {
    match chars.next() {
        Some('n') => out.push('\n'),
        Some('t') => out.push('\t'),
        Some('s') => out.push(' '),
        Some('e') => out.push('\u{1b}'),
        Some('u') => unicode_escape(chars, out),
        Some(c) => out.push(c),
        None => {}
    }
}

/// `\uXXXX` or `\u{X Y ...}` after the `u`.
fn unicode_escape(chars: &mut Peekable<Chars<'_>>, out: &mut String) {
    let push = |hex: &str, out: &mut String| {
        let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    };
    if chars.next_if_eq(&'{').is_some() {
        let mut body = String::new();
        while let Some(c) = chars.next_if(|c| *c != '}') {
            body.push(c);
        }
        chars.next();
        body.split_whitespace().for_each(|h| push(h, out));
    } else {
        let hex: String = (0..4)
            .filter_map(|_| chars.next_if(char::is_ascii_hexdigit))
            .collect();
        push(&hex, out);
    }
}

// ------------------------------------------------------------------------------ Gemfile.lock

/// Where a locked gem comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum GemSource {
    /// A gem server (`GEM` section), by its remote.
    Server(Option<String>),
    /// A git repository (`GIT` section) at a revision.
    Git {
        remote: Option<String>,
        revision: Option<String>,
    },
    /// A local directory (`PATH` section).
    Path(Option<String>),
}

/// One gem of a lockfile's `specs:`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LockedGem {
    name: String,
    version: String,
    platform: Option<String>,
    source: GemSource,
    deps: Vec<String>,
    /// From the `CHECKSUMS` section.
    sha256: Option<String>,
}

impl LockedGem {
    /// `name (version[-platform])`, as specs and checksums name a gem.
    fn key(&self) -> String {
        match &self.platform {
            Some(p) => format!("{} ({}-{p})", self.name, self.version),
            None => format!("{} ({})", self.name, self.version),
        }
    }
}

/// The source section being read and what it has said so far.
#[derive(Debug, Default)]
struct Section {
    kind: Option<&'static str>,
    remote: Option<String>,
    revision: Option<String>,
    current: Option<usize>,
}

impl Section {
    fn source(&self) -> GemSource {
        match self.kind {
            Some("GIT") => GemSource::Git {
                remote: self.remote.clone(),
                revision: self.revision.clone(),
            },
            Some("PATH") => GemSource::Path(self.remote.clone()),
            _ => GemSource::Server(self.remote.clone()),
        }
    }
}

/// What a lockfile says, as it is read line by line.
#[derive(Debug, Default)]
struct Lockfile {
    gems: Vec<LockedGem>,
    /// Lines that could not be read.
    problems: Vec<String>,
    section: Section,
    /// `CHECKSUMS`: `name (version[-platform])` → `sha256` hex.
    checksums: BTreeMap<String, String>,
}

impl Lockfile {
    /// Reads a lockfile's gems and their checksums.
    fn parse(text: &str) -> Self {
        let mut lock = Self::default();
        for (n, line) in text.lines().enumerate() {
            lock.line(n + 1, line);
        }
        let checksums = std::mem::take(&mut lock.checksums);
        for g in &mut lock.gems {
            g.sha256 = checksums.get(&g.key()).cloned();
        }
        lock
    }

    fn line(&mut self, n: usize, line: &str) {
        let body = line.trim_start_matches(' ').trim_end();
        let indent = line.len() - line.trim_start_matches(' ').len();
        let kind = self.section.kind;
        match (indent, kind) {
            (0, _) => self.section = header(body),
            (_, None) => {}
            _ if body.is_empty() => {}
            (2, Some("CHECKSUMS")) => self.checksum(body),
            (_, Some("CHECKSUMS")) => {}
            (2, _) => source_field(&mut self.section, body),
            (4, _) => match spec_line(body, &self.section) {
                Some(g) => {
                    self.section.current = Some(self.gems.len());
                    self.gems.push(g);
                }
                None => (self.problems).push(format!("line {n}: not `name (version)`: {body:?}")),
            },
            (6, _) => {
                let dep = body.split([' ', '(']).next().unwrap_or_default();
                let gem = self.section.current.and_then(|i| self.gems.get_mut(i));
                if let Some(gem) = gem.filter(|_| !dep.is_empty()) {
                    gem.deps.push(dep.trim_end_matches('!').to_owned());
                }
            }
            _ => {}
        }
    }

    /// `name (version) sha256=<hex>` (Bundler 2.5's `CHECKSUMS`; other algorithms are kept out).
    fn checksum(&mut self, body: &str) {
        let Some((key, sums)) = body.split_once(") ") else {
            return;
        };
        let sha256 = sums
            .split(',')
            .filter_map(|s| s.trim().strip_prefix("sha256="))
            .find(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        if let Some(sha256) = sha256 {
            let key = format!("{key})");
            self.checksums.insert(key, sha256.to_ascii_lowercase());
        }
    }
}

/// A section header: the gem sources and the checksums are read.
fn header(line: &str) -> Section {
    let kind = ["GEM", "GIT", "PATH", "CHECKSUMS"]
        .into_iter()
        .find(|k| *k == line);
    Section {
        kind,
        ..Section::default()
    }
}

/// `remote: <url>` and `revision: <sha>` of a source section (the first remote counts).
fn source_field(section: &mut Section, line: &str) {
    match line.split_once(": ") {
        Some(("remote", url)) if section.remote.is_none() => {
            section.remote = Some(without_credentials(url.trim()));
        }
        Some(("revision", rev)) => section.revision = Some(rev.trim().to_owned()),
        _ => {}
    }
}

/// `name (version)` or `name (version-platform)`, split as Bundler splits it: gem versions
/// never contain `-`, so the platform starts at the first one.
fn spec_line(line: &str, section: &Section) -> Option<LockedGem> {
    let (name, rest) = line.split_once(" (")?;
    let inner = rest.strip_suffix(')')?;
    let (version, platform) = match inner.split_once('-') {
        Some((v, p)) => (v, Some(p.to_owned())),
        None => (inner, None),
    };
    if name.is_empty() || name.contains(' ') || version.is_empty() {
        return None;
    }
    Some(LockedGem {
        name: name.to_owned(),
        version: version.to_owned(),
        platform,
        source: section.source(),
        deps: Vec::new(),
        sha256: None,
    })
}

/// A remote with any `user:password@` removed: lockfiles of private gem servers carry tokens.
fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let host_end = rest.find('/').unwrap_or(rest.len());
    match rest.get(..host_end).and_then(|h| h.rfind('@')) {
        Some(at) => format!("{scheme}://{}", rest.get(at + 1..).unwrap_or_default()),
        None => url.to_owned(),
    }
}

/// The host of a URL (`https://gems.example.com:8080/x` → `gems.example.com`).
fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', ':']).next()?;
    (!host.is_empty()).then_some(host)
}

fn catalog_lockfile(text: &str, entry: &TreeEntry, out: &mut Found) {
    let Lockfile {
        gems, mut problems, ..
    } = Lockfile::parse(text);
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut ids: Vec<Option<PackageId>> = Vec::with_capacity(gems.len());
    for g in &gems {
        match locked_package(g, &location) {
            Ok(p) => {
                ids.push(Some(p.id.clone()));
                out.packages.push(p);
            }
            Err(e) => {
                ids.push(None);
                problems.push(e);
            }
        }
    }
    report(GEMFILE, &entry.path, problems, out);
    let mut by_name: BTreeMap<&str, Vec<&PackageId>> = BTreeMap::new();
    for (g, id) in gems.iter().zip(&ids) {
        if let Some(id) = id {
            by_name.entry(g.name.as_str()).or_default().push(id);
        }
    }
    for (g, from) in gems.iter().zip(&ids) {
        let targets = g.deps.iter().filter_map(|d| by_name.get(d.as_str()));
        for to in targets.flatten() {
            if let Some(from) = from {
                out.depends(from, to);
            }
        }
    }
}

fn locked_package(g: &LockedGem, location: &Location) -> Result<Package, String> {
    let platform = g.platform.as_deref();
    let mut qualifiers = vec![("platform", platform.unwrap_or_default())];
    let vcs = match &g.source {
        GemSource::Git {
            remote: Some(remote),
            revision,
        } => Some(match revision {
            Some(rev) => format!("git+{remote}@{rev}"),
            None => format!("git+{remote}"),
        }),
        _ => None,
    };
    let server = match &g.source {
        GemSource::Server(remote) => Some(remote.as_deref().unwrap_or("https://rubygems.org/")),
        _ => None,
    };
    let public = server.and_then(host) == Some(RUBYGEMS);
    if let Some(vcs) = &vcs {
        qualifiers.push(("vcs_url", vcs));
    }
    if let Some(server) = server.filter(|_| !public) {
        qualifiers.push(("repository_url", server));
    }
    let purl = gem_purl(&g.name, &g.version, &qualifiers)?;
    let mut p = Package::new(
        PackageKind::Gem,
        &g.name,
        &g.version,
        purl,
        location.clone(),
        GEMFILE,
    );
    lockfile_origin(&mut p, g, server, public, vcs);
    if let Some(sha256) = &g.sha256 {
        p.checksums.insert("SHA256".to_owned(), sha256.clone());
    }
    Ok(p)
}

/// Supplier, download location and source metadata of a locked gem.
fn lockfile_origin(
    p: &mut Package,
    g: &LockedGem,
    server: Option<&str>,
    public: bool,
    vcs: Option<String>,
) {
    let platform = g.platform.as_deref();
    let (kind, remote) = match &g.source {
        GemSource::Server(r) => ("gem", r),
        GemSource::Git { remote, .. } => ("git", remote),
        GemSource::Path(r) => ("path", r),
    };
    if public {
        p.supplier = Some(rubygems());
        p.download_location = Some(rubygems_download(&g.name, &g.version, platform));
    } else if let Some(server) = server {
        // A gem server's standard layout serves `<remote>/gems/<file>.gem`.
        let file = match platform {
            Some(pl) => format!("{}-{}-{pl}.gem", g.name, g.version),
            None => format!("{}-{}.gem", g.name, g.version),
        };
        p.download_location = Some(format!("{}/gems/{file}", server.trim_end_matches('/')));
        p.supplier = host(server).map(|h| Party::Organization {
            name: h.to_owned(),
            email: None,
        });
    } else {
        p.download_location = vcs;
    }
    p.metadata.insert("source".to_owned(), kind.to_owned());
    if let Some(remote) = remote {
        p.metadata.insert("remote".to_owned(), remote.clone());
    }
    if let Some(platform) = platform {
        p.metadata
            .insert("platform".to_owned(), platform.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_literals() {
        let l = |s: &str| literals(s);
        assert_eq!(l(r#" "bundler".freeze"#), ["bundler"]);
        assert_eq!(l(r#" Gem::Version.new("1.2") # "no""#), ["1.2"]);
        assert_eq!(
            l(r#" ["Andr\u00E9".freeze, 'it\'s', "\u{48 49}"]"#),
            ["André", "it's", "HI"]
        );
        assert_eq!(l(r#"(%q<rack>.freeze, [">= 0"])"#), ["rack", ">= 0"]);
        assert_eq!(l("%w[a b  c]"), ["a", "b", "c"]);
        assert_eq!(l("%q(a (b) c)"), ["a (b) c"]);
        assert_eq!(l(r#""https://x/#{s.name}""#), ["https://x/#{s.name}"]);
        assert_eq!(l("1 % 2"), Vec::<String>::new());
        assert_eq!(l(r#""unterminated \"#), ["unterminated "]);
        assert_eq!(l("%"), Vec::<String>::new());
    }

    #[test]
    fn gemspec_assignments_and_dependencies() {
        let g = Gemspec::parse(
            "Gem::Specification.new do |s|\n  s.name = \"rails\".freeze\n  s.version = \"4.1.1\"\n\
             s.licenses = [\"MIT\".freeze]\n  s.authors = [\"David\".freeze]\n  s.email = \"d@x\"\n\
             s.add_runtime_dependency(%q<activesupport>.freeze, [\"= 4.1.1\"])\n\
             s.add_dependency(%q<activesupport>.freeze, [\"= 4.1.1\"])\n\
             s.add_development_dependency(%q<rake>.freeze, [\">= 0\"])\n\
             s.name == \"ignored\"\nend\n",
        );
        assert_eq!(g.name.as_deref(), Some("rails"));
        assert_eq!(g.version.as_deref(), Some("4.1.1"));
        assert_eq!(g.requires, ["activesupport"]);
        assert_eq!(
            g.supplier(),
            Some(Party::Person {
                name: "David".to_owned(),
                email: Some("d@x".to_owned())
            })
        );
    }

    #[test]
    fn interpolation_and_file_names() {
        assert_eq!(
            interpolate("https://github.com/geemus/#{s.name}", "formatador", "1").as_deref(),
            Some("https://github.com/geemus/formatador")
        );
        assert_eq!(interpolate("https://x/#{other}", "a", "1"), None);
        assert_eq!(interpolate("#{", "a", "1"), None);
        let v = |f: &str| version_from_file_name(f, "nokogiri");
        assert_eq!(
            v("nokogiri-1.13.10-x86_64-linux.gemspec").as_deref(),
            Some("1.13.10")
        );
        assert_eq!(v("nokogiri-.gemspec"), None);
        assert_eq!(v("other-1.gemspec"), None);
    }

    #[test]
    fn gem_homes() {
        let h = |p: &str| gem_home(&TreePath::new(p).unwrap());
        assert_eq!(
            h("/usr/lib/ruby/gems/3.1.0/specifications/a-1.gemspec").as_deref(),
            Some("usr/lib/ruby/gems/3.1.0")
        );
        assert_eq!(
            h("/g/specifications/default/b-2.gemspec").as_deref(),
            Some("g")
        );
        assert_eq!(h("/src/app.gemspec"), None);
        assert_eq!(h("/specifications.gemspec"), None);
    }

    #[test]
    fn lockfile_lines() {
        let Lockfile { gems, problems, .. } = Lockfile::parse(
            "GEM\n  remote: https://u:secret@gems.example.com/\n  specs:\n    a (1.0-x86_64-linux)\n      b (>= 1)\n\
             \x20     c!\n    broken\n    b (2.0)\n\nDEPENDENCIES\n  a\n    fake (9)\n\nCHECKSUMS\n  a (1.0-x86_64-linux) sha256=ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n\
             \x20 b (2.0) md5=00\n    nested (1)\n",
        );
        assert_eq!(gems.len(), 2);
        let a = &gems[0];
        assert_eq!(
            (a.version.as_str(), a.platform.as_deref()),
            ("1.0", Some("x86_64-linux"))
        );
        assert_eq!(a.deps, ["b", "c"]);
        assert_eq!(
            a.source,
            GemSource::Server(Some("https://gems.example.com/".to_owned()))
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            a.sha256.as_deref(),
            Some("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")
        );
        assert_eq!(gems[1].sha256, None);
    }
}
