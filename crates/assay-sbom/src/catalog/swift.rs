//! Swift and Objective-C packages: Swift Package Manager's `Package.resolved` and CocoaPods'
//! `Podfile.lock`.
//!
//! - `Package.resolved` (SwiftPM `PinsStore`, versions 1–3): version 1 keeps its pins under
//!   `object.pins`, each with `package`, `repositoryURL` and `state`; versions 2 and 3 keep them
//!   under `pins`, each with `identity`, `kind` (`remoteSourceControl`, `localSourceControl`,
//!   `registry`), `location` and `state` (`version`, `revision`, `branch`). A pin becomes
//!   `pkg:swift/<host>/<owner>/<repo>@<version>` (the purl specification's `swift` type: the
//!   namespace is the source host and owner), named by its identity as syft names it; a pin on a
//!   branch has no version. The file records no dependency graph.
//! - `Podfile.lock` (CocoaPods' lockfile, YAML): `PODS` lists every resolved pod as
//!   `Name (version)` or `Name/Subspec (version)`, each optionally with the pods it depends on
//!   (`Texture/Core (~> 3)`), which become `DEPENDS_ON` edges. A pod is
//!   `pkg:cocoapods/<Name>@<version>`, a subspec `pkg:cocoapods/<Name>@<version>#<Subspec>`
//!   (the purl specification's `cocoapods` type); the name stays `Name/Subspec`, as syft writes
//!   it. `SPEC REPOS` says which spec repository served a pod (`trunk` is cocoapods.org, the
//!   supplier then); `CHECKOUT OPTIONS` pins git sources to a commit; `SPEC CHECKSUMS` holds the
//!   SHA-1 of each podspec, kept as metadata (it is not the artifact's digest).
//!
//! Neither file records licenses. There is no Swift or CocoaPods [`PackageKind`]; both are
//! [`PackageKind::Other`], told apart by purl type and cataloger.

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};
use serde::Deserialize;
use serde_json::Value;

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageKind, Party};

/// syft's name for the `Package.resolved` cataloger.
const SPM: &str = "swift-package-manager-cataloger";
/// syft's name for the `Podfile.lock` cataloger.
const PODS: &str = "cocoapods-cataloger";

/// The Swift Package Manager and CocoaPods cataloger.
#[derive(Debug, Clone, Copy)]
pub struct SwiftCataloger;

impl Cataloger for SwiftCataloger {
    fn name(&self) -> &'static str {
        SPM
    }

    fn wants(&self, path: &TreePath) -> bool {
        matches!(
            path.file_name(),
            "Package.resolved" | ".package.resolved" | "Podfile.lock"
        )
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        for entry in files {
            let pods = entry.path.file_name() == "Podfile.lock";
            let name = if pods { PODS } else { SPM };
            match read_text(tree, entry) {
                Ok(text) if pods => podfile_lock(&text, entry, out),
                Ok(text) => package_resolved(&text, entry, out),
                Err(e) => out.warn(name, &entry.path, e),
            }
        }
    }
}

// ---------------------------------------------------------------------------- Package.resolved

#[derive(Debug, Deserialize)]
struct ResolvedWire {
    version: Option<Value>,
    #[serde(default)]
    pins: Vec<Value>,
    /// Version 1's wrapper.
    object: Option<V1Wire>,
}

#[derive(Debug, Deserialize)]
struct V1Wire {
    #[serde(default)]
    pins: Vec<Value>,
}

#[derive(Debug, Deserialize)]
struct PinWire {
    /// Versions 2 and 3.
    identity: Option<String>,
    kind: Option<String>,
    location: Option<String>,
    /// Version 1.
    package: Option<String>,
    #[serde(rename = "repositoryURL")]
    repository_url: Option<String>,
    #[serde(default)]
    state: StateWire,
}

#[derive(Debug, Default, Deserialize)]
struct StateWire {
    version: Option<String>,
    revision: Option<String>,
    branch: Option<String>,
}

fn package_resolved(text: &str, entry: &TreeEntry, out: &mut Found) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let wire: ResolvedWire = match serde_json::from_str(text) {
        Ok(w) => w,
        Err(e) => {
            return out.warn(
                SPM,
                &entry.path,
                format!("not a valid Package.resolved: {e}"),
            );
        }
    };
    let pins = match wire.version.as_ref().and_then(Value::as_u64) {
        Some(1) => wire.object.map(|o| o.pins).unwrap_or_default(),
        Some(2 | 3) => wire.pins,
        _ => {
            let v = wire.version.map_or("none".to_owned(), |v| v.to_string());
            return out.warn(
                SPM,
                &entry.path,
                format!("unsupported Package.resolved version {v}"),
            );
        }
    };
    let location = Location::new(&entry.path, entry.layer.as_ref());
    for (i, pin) in pins.into_iter().enumerate() {
        match serde_json::from_value::<PinWire>(pin)
            .map_err(|e| e.to_string())
            .and_then(|p| pin_package(&p, &location))
        {
            Ok(pkg) => out.packages.push(pkg),
            Err(e) => out.warn(SPM, &entry.path, format!("pin #{}: {e}", i + 1)),
        }
    }
}

fn pin_package(pin: &PinWire, location: &Location) -> Result<Package, String> {
    let name = pin
        .identity
        .as_deref()
        .or(pin.package.as_deref())
        .ok_or("no identity")?;
    let repo = pin.location.as_deref().or(pin.repository_url.as_deref());
    let remote = repo
        .filter(|_| pin.kind.as_deref() != Some("localSourceControl"))
        .and_then(repo_parts);
    let version = pin.state.version.as_deref().unwrap_or_default();
    let (namespace, base) = match &remote {
        Some((host, path)) => match path.split_last() {
            Some((last, owners)) => {
                let ns: Vec<&str> = std::iter::once(host.as_str())
                    .chain(owners.iter().map(String::as_str))
                    .collect();
                (Some(ns.join("/")), last.as_str())
            }
            None => (Some(host.clone()), name),
        },
        None => (None, name),
    };
    let purl = Purl::new("swift", namespace.as_deref(), base, Some(version))
        .map_err(|e| format!("{name}: no valid package URL: {e}"))?;
    let mut pkg = Package::new(
        PackageKind::Other,
        name,
        version,
        purl,
        location.clone(),
        SPM,
    );
    if let (Some(url), Some((host, _))) = (repo.and_then(git_url), &remote) {
        pkg.download_location = Some(match &pin.state.revision {
            Some(rev) => format!("git+{url}@{rev}"),
            None => format!("git+{url}"),
        });
        pkg.supplier = Some(organization(host));
        pkg.homepage = Some(url)
            .filter(|u| u.starts_with("https://"))
            .map(|u| u.trim_end_matches(".git").to_owned());
    }
    let facts = [
        ("revision", &pin.state.revision),
        ("branch", &pin.state.branch),
    ];
    for (k, v) in facts {
        if let Some(v) = v {
            pkg.metadata.insert(k.to_owned(), v.clone());
        }
    }
    Ok(pkg)
}

/// `https://github.com/apple/swift-nio.git`, `ssh://git@host:22/a/b` or the scp-like
/// `git@github.com:apple/swift-nio.git` → (`github.com`, [`apple`, `swift-nio`]).
fn repo_parts(location: &str) -> Option<(String, Vec<String>)> {
    let (authority, path) = match location.split_once("://") {
        Some((_, rest)) => rest.split_once('/').unwrap_or((rest, "")),
        None => location.split_once(':').filter(|(a, _)| !a.contains('/'))?,
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let segments = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.strip_suffix(".git").unwrap_or(s).to_owned())
        .collect();
    (!host.is_empty()).then_some((host, segments))
}

/// A repository location as a URL: scp-like `user@host:path` becomes `ssh://user@host/path`.
fn git_url(location: &str) -> Option<String> {
    if location.contains("://") {
        return Some(location.to_owned());
    }
    let (authority, path) = location.split_once(':')?;
    (!authority.contains('/')).then(|| format!("ssh://{authority}/{path}"))
}

fn organization(name: &str) -> Party {
    Party::Organization {
        name: name.to_owned(),
        email: None,
    }
}

// -------------------------------------------------------------------------------- Podfile.lock

#[derive(Debug, Deserialize)]
struct PodfileWire {
    #[serde(rename = "PODS")]
    pods: Option<Vec<serde_yaml_ng::Value>>,
    #[serde(rename = "SPEC REPOS", default)]
    spec_repos: BTreeMap<String, Vec<String>>,
    #[serde(rename = "SPEC CHECKSUMS", default)]
    checksums: BTreeMap<String, serde_yaml_ng::Value>,
    #[serde(rename = "CHECKOUT OPTIONS", default)]
    checkout: BTreeMap<String, BTreeMap<String, serde_yaml_ng::Value>>,
}

/// One `PODS` item: the pod and the names of the pods it depends on.
#[derive(Debug)]
struct Pod {
    name: String,
    version: String,
    deps: Vec<String>,
}

fn podfile_lock(text: &str, entry: &TreeEntry, out: &mut Found) {
    let wire: PodfileWire = match serde_yaml_ng::from_str(text) {
        Ok(w) => w,
        Err(e) => return out.warn(PODS, &entry.path, format!("not a valid Podfile.lock: {e}")),
    };
    let Some(items) = &wire.pods else {
        return out.warn(PODS, &entry.path, "not a Podfile.lock: no `PODS`");
    };
    let repos: BTreeMap<&str, &str> = (wire.spec_repos.iter())
        .flat_map(|(repo, pods)| pods.iter().map(move |p| (p.as_str(), repo.as_str())))
        .collect();
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut ids = BTreeMap::new();
    let mut pods = Vec::new();
    for item in items {
        let Some(pod) = pod_item(item) else {
            let shown = item.as_str().unwrap_or("(not text)");
            out.warn(
                PODS,
                &entry.path,
                format!("PODS entry {shown:?} is not `Name (version)`"),
            );
            continue;
        };
        match pod_package(&pod, &wire, &repos, &location) {
            Ok(pkg) => {
                ids.insert(pod.name.clone(), pkg.id.clone());
                out.packages.push(pkg);
                pods.push(pod);
            }
            Err(e) => out.warn(PODS, &entry.path, e),
        }
    }
    for pod in &pods {
        for dep in &pod.deps {
            if let (Some(from), Some(to)) = (ids.get(&pod.name), ids.get(dep)) {
                out.depends(from, to);
            }
        }
    }
}

/// `Name (1.0)` or `{Name (1.0): [Dep (~> 2), Other]}`.
fn pod_item(item: &serde_yaml_ng::Value) -> Option<Pod> {
    let (head, deps) = match item {
        serde_yaml_ng::Value::String(s) => (s.as_str(), Vec::new()),
        serde_yaml_ng::Value::Mapping(m) if m.len() == 1 => {
            let (k, v) = m.iter().next()?;
            let deps = v.as_sequence().map_or(Vec::new(), |seq| {
                seq.iter()
                    .filter_map(|d| Some(pod_spec(d.as_str()?).0.to_owned()))
                    .collect()
            });
            (k.as_str()?, deps)
        }
        _ => return None,
    };
    let (name, version) = pod_spec(head);
    let version = version?;
    Some(Pod {
        name: name.to_owned(),
        version: version.to_owned(),
        deps,
    })
}

/// `Name (constraint)` → (`Name`, `Some(constraint)`); `Name` → (`Name`, `None`).
fn pod_spec(text: &str) -> (&str, Option<&str>) {
    match text.trim().split_once(" (") {
        Some((name, rest)) => (name.trim(), rest.strip_suffix(')').map(str::trim)),
        None => (text.trim(), None),
    }
}

fn pod_package(
    pod: &Pod,
    wire: &PodfileWire,
    repos: &BTreeMap<&str, &str>,
    location: &Location,
) -> Result<Package, String> {
    let (root, subspec) = pod
        .name
        .split_once('/')
        .map_or((pod.name.as_str(), None), |(r, s)| (r, Some(s)));
    let bad = |e: assay_core::PurlError| format!("{}: no valid package URL: {e}", pod.name);
    let mut purl = Purl::new("cocoapods", None, root, Some(&pod.version)).map_err(bad)?;
    if let Some(sub) = subspec {
        purl = format!("{purl}#{sub}").parse().unwrap_or(purl);
    }
    let mut pkg = Package::new(
        PackageKind::Other,
        &pod.name,
        &pod.version,
        purl,
        location.clone(),
        PODS,
    );
    match repos.get(root) {
        Some(&"trunk") => {
            pkg.supplier = Some(organization("cocoapods.org"));
            pkg.homepage = Some(format!("https://cocoapods.org/pods/{root}"));
        }
        Some(repo) => pkg.supplier = repo_parts(repo).map(|(host, _)| organization(&host)),
        None => {}
    }
    pkg.download_location = wire.checkout.get(root).and_then(checkout_location);
    if let Some(sum) = wire
        .checksums
        .get(root)
        .and_then(serde_yaml_ng::Value::as_str)
    {
        pkg.metadata
            .insert("podspec_checksum".to_owned(), sum.to_owned());
    }
    Ok(pkg)
}

/// `CHECKOUT OPTIONS` `{":git": url, ":commit": sha}` → `git+<url>@<sha>`.
fn checkout_location(options: &BTreeMap<String, serde_yaml_ng::Value>) -> Option<String> {
    let get = |k: &str| options.get(k).and_then(serde_yaml_ng::Value::as_str);
    let url = git_url(get(":git")?)?;
    Some(match get(":commit").or_else(|| get(":tag")) {
        Some(rev) => format!("git+{url}@{rev}"),
        None => format!("git+{url}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_locations_split_into_host_and_path() {
        let parts = |l: &str| repo_parts(l).map(|(h, p)| format!("{h}|{}", p.join("/")));
        assert_eq!(
            parts("https://github.com/apple/swift-nio.git").as_deref(),
            Some("github.com|apple/swift-nio")
        );
        assert_eq!(
            parts("git@github.com:apple/swift-nio.git").as_deref(),
            Some("github.com|apple/swift-nio")
        );
        assert_eq!(
            parts("ssh://git@Example.com:2222/a/b/c").as_deref(),
            Some("example.com|a/b/c")
        );
        assert_eq!(parts("/Users/me/src/pkg"), None);
        assert_eq!(
            git_url("git@github.com:a/b.git").as_deref(),
            Some("ssh://git@github.com/a/b.git")
        );
    }

    #[test]
    fn pod_specs() {
        assert_eq!(
            pod_spec("Texture/Core (~> 3)"),
            ("Texture/Core", Some("~> 3"))
        );
        assert_eq!(pod_spec("PINOperation"), ("PINOperation", None));
        assert_eq!(pod_spec("Reveal-SDK (33)"), ("Reveal-SDK", Some("33")));
    }
}
