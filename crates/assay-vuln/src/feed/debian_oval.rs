//! Debian OVAL definitions (`oval-definitions-<codename>.xml[.bz2]`) as [`Advisory`] records.
//!
//! Format: OVAL 5.x definitions (<https://oval.mitre.org/language/version5.11/>), as generated
//! by the Debian security tracker. Each `<definition class="vulnerability">` is one
//! (CVE, source package) pair for one Debian release. Its criteria combine a
//! "Debian N is installed" test with a `dpkginfo_test` whose `dpkginfo_object/<name>` is the
//! *source* package and whose `dpkginfo_state/<evr operation="less than">` is the fixed version.
//!
//! Mapping onto the model:
//! - id: the `<reference source="CVE" ref_id>` (else the `CVE-…` first word of the title);
//!   several definitions for one CVE merge into one advisory with one [`Affected`] per package.
//! - ecosystem: `Debian:<N>` from the "Debian N is installed" criterion, else from the
//!   `<platform>Debian GNU/Linux N</platform>` metadata.
//! - `less than 0:0` (or `0`) marks a flaw with no fix in the release: the range is
//!   `introduced: 0` alone (a literal OVAL evaluator would never match it). Any other value
//!   gives `introduced: 0, fixed: V`. A `0:` epoch is dropped from V because dpkg compares
//!   `0:V` and `V` as equal; other epochs are kept.
//! - A `dpkginfo_test` without a state tests presence only: every version is affected.
//! - `class="patch"` (DSA) definitions repeat vulnerability definitions and are skipped, as are
//!   definitions without a `dpkginfo_test`. OVAL carries no severity.
//! - summary: the description with its line breaks and whitespace runs collapsed (some are
//!   hard-wrapped mid-sentence, so a first line would cut them); url: the CVE `ref_url`.
//!
//! A dangling test/object/state reference, a missing release or id, or a version comparison
//! other than `less than` is a [`FeedError::Malformed`]: the feed is refused rather than read
//! partially.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use roxmltree::{Document, Node, ParsingOptions};

use crate::feed::FeedError;
use crate::model::{Advisory, Affected, Event, Range, RangeKind};

/// Largest decompressed document [`parse_bz2`] accepts (the full bookworm file is ~51 MB).
pub const MAX_DECOMPRESSED: u64 = 512 * 1024 * 1024;

/// Largest number of XML nodes parsed: the full bookworm file (51 MB) has about 1.4 million
/// (0.53 million elements, the rest text), so this leaves room for a document of the
/// [`MAX_DECOMPRESSED`] size with the same shape.
const MAX_NODES: u32 = 20_000_000;

/// Parses a bzip2-compressed OVAL document, refusing more than [`MAX_DECOMPRESSED`] bytes.
pub fn parse_bz2(reader: impl Read, what: &str) -> Result<Vec<Advisory>, FeedError> {
    let mut bytes = Vec::new();
    bzip2::read::MultiBzDecoder::new(reader)
        .take(MAX_DECOMPRESSED + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| FeedError::Io {
            what: what.to_owned(),
            source,
        })?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_DECOMPRESSED {
        return Err(FeedError::TooLarge {
            what: what.to_owned(),
            limit: MAX_DECOMPRESSED,
        });
    }
    parse(&bytes, what)
}

/// Parses an OVAL definitions document into advisories sorted by id.
pub fn parse(bytes: &[u8], what: &str) -> Result<Vec<Advisory>, FeedError> {
    let text =
        std::str::from_utf8(bytes).map_err(|e| malformed(what, format!("not UTF-8: {e}")))?;
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|source| FeedError::Xml {
        what: what.to_owned(),
        source,
    })?;
    let index = Index::new(&doc);
    let mut merged: BTreeMap<String, Draft> = BTreeMap::new();
    for def in section(&doc, "definitions").filter(|n| n.has_tag_name("definition")) {
        if let Some(parsed) = definition(&index, def, what)? {
            merged.entry(parsed.id.clone()).or_default().add(parsed);
        }
    }
    Ok(merged.into_iter().map(|(id, d)| d.finish(id)).collect())
}

/// The element children of a top-level section (`definitions`, `tests`, ...).
fn section<'a, 'i>(doc: &'a Document<'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> {
    doc.root_element()
        .children()
        .filter(move |n| n.has_tag_name(name))
        .flat_map(|s| s.children())
        .filter(Node::is_element)
}

/// Tests, objects and states by their `id` attribute.
struct Index<'a, 'i> {
    by_id: HashMap<&'a str, Node<'a, 'i>>,
}

impl<'a, 'i> Index<'a, 'i> {
    fn new(doc: &'a Document<'i>) -> Self {
        let by_id = ["tests", "objects", "states"]
            .into_iter()
            .flat_map(|s| section(doc, s))
            .filter_map(|n| n.attribute("id").map(|id| (id, n)))
            .collect();
        Index { by_id }
    }

    /// The element `reference` points at, which must have the local name `kind`.
    fn get(&self, reference: &str, kind: &str, what: &str) -> Result<Node<'a, 'i>, FeedError> {
        match self.by_id.get(reference) {
            Some(n) if n.tag_name().name() == kind => Ok(*n),
            Some(n) => Err(malformed(
                what,
                format!("{reference} is a {}, not a {kind}", n.tag_name().name()),
            )),
            None => Err(malformed(what, format!("dangling reference {reference}"))),
        }
    }
}

/// One vulnerability definition: a CVE with the packages it affects in one release.
struct Definition {
    id: String,
    summary: Option<String>,
    url: Option<String>,
    affected: Vec<Affected>,
}

/// Reads one `<definition>`; `None` for the kinds that are skipped.
fn definition(index: &Index, def: Node, what: &str) -> Result<Option<Definition>, FeedError> {
    let def_id = def.attribute("id").unwrap_or("?");
    let context = format!("{what}: definition {def_id}");
    if def.attribute("class") != Some("vulnerability") {
        tracing::debug!(definition = def_id, class = ?def.attribute("class"), "skipping non-vulnerability OVAL definition");
        return Ok(None);
    }
    let packages = packages(index, def, &context)?;
    if packages.is_empty() {
        tracing::debug!(
            definition = def_id,
            "skipping OVAL definition without a dpkginfo test"
        );
        return Ok(None);
    }
    let metadata = child(def, "metadata");
    let ecosystem = format!("Debian:{}", release(def, metadata, &context)?);
    let affected = packages
        .into_iter()
        .map(|(name, fixed)| affected(&ecosystem, name, fixed));
    Ok(Some(Definition {
        id: cve_id(metadata).ok_or_else(|| malformed(&context, "no CVE id".to_owned()))?,
        summary: metadata.and_then(summary),
        url: metadata
            .and_then(cve_reference)
            .and_then(|r| r.attribute("ref_url"))
            .map(str::to_owned),
        affected: affected.collect(),
    }))
}

/// The first element child with local name `name`.
fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name(name))
}

/// The first `<reference source="CVE">` of the metadata.
fn cve_reference<'a, 'i>(metadata: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    metadata
        .children()
        .find(|n| n.has_tag_name("reference") && n.attribute("source") == Some("CVE"))
}

/// The CVE id: the CVE reference, else a `CVE-` first word of the title.
fn cve_id(metadata: Option<Node>) -> Option<String> {
    let metadata = metadata?;
    if let Some(id) = cve_reference(metadata).and_then(|r| r.attribute("ref_id")) {
        return Some(id.trim().to_owned());
    }
    let title = child(metadata, "title")?.text()?;
    let first = title.split_whitespace().next()?;
    first.starts_with("CVE-").then(|| first.to_owned())
}

/// The description on one line (upstream hard-wraps some, even mid-sentence), else the title.
fn summary(metadata: Node) -> Option<String> {
    ["description", "title"].into_iter().find_map(|name| {
        let text = child(metadata, name)?.text()?;
        let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        (!line.is_empty()).then_some(line)
    })
}

/// The Debian major release: "Debian N is installed", else the platform "Debian GNU/Linux N".
fn release(def: Node, metadata: Option<Node>, what: &str) -> Result<String, FeedError> {
    let from_criterion = def
        .descendants()
        .filter(|n| n.has_tag_name("criterion"))
        .filter_map(|n| n.attribute("comment"))
        .find_map(|c| c.strip_prefix("Debian ")?.strip_suffix(" is installed"));
    let from_platform = || {
        let affected = child(metadata?, "affected")?;
        let platform = child(affected, "platform")?.text()?;
        platform.trim().strip_prefix("Debian GNU/Linux ")
    };
    let major = from_criterion.or_else(from_platform).map(str::trim);
    match major {
        Some(m) if !m.is_empty() && !m.contains(char::is_whitespace) => Ok(m.to_owned()),
        _ => Err(malformed(
            what,
            "no \"Debian N is installed\" criterion or platform".to_owned(),
        )),
    }
}

/// The (source package, fixed version) of each `dpkginfo_test` the criteria reference;
/// `None` as the version when no fix exists. A negated package test would invert the range and
/// is refused.
fn packages(
    index: &Index,
    def: Node,
    what: &str,
) -> Result<Vec<(String, Option<String>)>, FeedError> {
    let mut out = Vec::new();
    for criterion in def.descendants().filter(|n| n.has_tag_name("criterion")) {
        let Some(reference) = criterion.attribute("test_ref") else {
            continue;
        };
        let test = index.by_id.get(reference).copied();
        let test =
            test.ok_or_else(|| malformed(what, format!("dangling reference {reference}")))?;
        if test.tag_name().name() != "dpkginfo_test" {
            continue;
        }
        if criterion.attribute("negate") == Some("true") {
            return Err(malformed(what, format!("negated package test {reference}")));
        }
        out.push(dpkginfo_test(index, test, what)?);
    }
    Ok(out)
}

/// The package name and fixed version of one `dpkginfo_test`.
fn dpkginfo_test(
    index: &Index,
    test: Node,
    what: &str,
) -> Result<(String, Option<String>), FeedError> {
    let what = format!("{what}: test {}", test.attribute("id").unwrap_or("?"));
    let object_ref = child(test, "object").and_then(|o| o.attribute("object_ref"));
    let object_ref = object_ref.ok_or_else(|| malformed(&what, "no object_ref".to_owned()))?;
    let object = index.get(object_ref, "dpkginfo_object", &what)?;
    let name = child(object, "name")
        .and_then(|n| n.text())
        .map(str::trim)
        .unwrap_or_default();
    if name.is_empty() {
        return Err(malformed(
            &what,
            format!("{object_ref} has no package <name>"),
        ));
    }
    let fixed = match child(test, "state").and_then(|s| s.attribute("state_ref")) {
        Some(state_ref) => fixed_version(index.get(state_ref, "dpkginfo_state", &what)?, &what)?,
        None => None,
    };
    Ok((name.to_owned(), fixed))
}

/// The version of the state's single `<evr operation="less than">`; `None` for `0:0`/`0`.
fn fixed_version(state: Node, what: &str) -> Result<Option<String>, FeedError> {
    let what = format!("{what}: state {}", state.attribute("id").unwrap_or("?"));
    let mut evrs = state.children().filter(Node::is_element);
    let (Some(evr), None) = (evrs.next(), evrs.next()) else {
        return Err(malformed(
            &what,
            "expected exactly one <evr> element".to_owned(),
        ));
    };
    let operation = evr.attribute("operation").unwrap_or("equals");
    if !evr.has_tag_name("evr") || operation != "less than" {
        return Err(malformed(
            &what,
            format!(
                "unsupported <{}> operation {operation:?}",
                evr.tag_name().name()
            ),
        ));
    }
    let value = evr.text().map(str::trim).unwrap_or_default();
    let version = value.strip_prefix("0:").unwrap_or(value);
    match version {
        "" => Err(malformed(&what, "empty <evr>".to_owned())),
        "0" => Ok(None),
        v => Ok(Some(v.to_owned())),
    }
}

/// An [`Affected`] entry: fixed at `fixed`, or unfixed when `None`.
fn affected(ecosystem: &str, name: String, fixed: Option<String>) -> Affected {
    let mut events = vec![Event::Introduced("0".to_owned())];
    events.extend(fixed.map(Event::Fixed));
    Affected {
        ecosystem: ecosystem.to_owned(),
        name,
        versions: Vec::new(),
        ranges: vec![Range {
            kind: RangeKind::Ecosystem,
            events,
        }],
        severity: None,
    }
}

/// The definitions merged under one CVE id.
#[derive(Default)]
struct Draft {
    summary: Option<String>,
    url: Option<String>,
    affected: Vec<Affected>,
}

impl Draft {
    /// Adds a definition; the first one (in document order) supplies summary and URL.
    fn add(&mut self, def: Definition) {
        self.summary = self.summary.take().or(def.summary);
        self.url = self.url.take().or(def.url);
        self.affected.extend(def.affected);
    }

    /// The advisory, with affected entries sorted by package and deduplicated.
    fn finish(mut self, id: String) -> Advisory {
        self.affected
            .sort_by_cached_key(|a| (a.name.clone(), a.ecosystem.clone(), a.fixed_versions()));
        self.affected.dedup();
        Advisory {
            id,
            aliases: Vec::new(),
            summary: self.summary,
            modified: None,
            severity: Vec::new(),
            url: self.url,
            affected: self.affected,
        }
    }
}

fn malformed(what: &str, reason: String) -> FeedError {
    FeedError::Malformed {
        what: what.to_owned(),
        reason,
    }
}
