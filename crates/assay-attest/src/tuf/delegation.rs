//! Finding a target's metadata through delegations (TUF specification v1.0 §5.6.7): a
//! pre-order depth-first search from the top-level targets role, delegations tried in the
//! order listed, a role visited at most once, at most [`super::Limits::max_delegations`] roles
//! visited, and a matching terminating delegation ending the search of everything after it.
//!
//! A delegation covers a target when one of its `paths` patterns matches it — segment by
//! segment, with `*` matching any run of characters within a segment and `?` one character, as
//! Python's `fnmatch` does for the patterns TUF repositories use (`[...]` classes are not
//! supported and match literally) — or when the hex SHA-256 of the target path starts with
//! one of its `path_hash_prefixes`.
//!
//! Delegated metadata is loaded as the search reaches it (§5.6.1–§5.6.6, with the delegating
//! role's keys and threshold); if it cannot be loaded or verified, the search fails with that
//! error rather than reporting the target as missing.

use std::collections::BTreeSet;
use std::sync::Arc;

use sha2::{Digest as _, Sha256};

use super::error::TufError;
use super::fetch::Fetch;
use super::metadata::{DelegatedRole, Delegations, Document, PathScope, TargetInfo, Targets};
use super::updater::Updater;

/// A role to visit: the top-level targets role, or entry `index` of a delegations list.
enum Visit {
    Top,
    Delegated {
        delegations: Arc<Delegations>,
        index: usize,
    },
}

impl<F: Fetch> Updater<F> {
    /// What trusted targets metadata says about `name`, refreshing first if needed.
    pub fn target_info(&mut self, name: &str) -> Result<TargetInfo, TufError> {
        self.ensure_refreshed()?;
        let found = self.search(name)?;
        found.ok_or_else(|| TufError::TargetNotFound {
            name: name.to_owned(),
        })
    }

    fn search(&mut self, name: &str) -> Result<Option<TargetInfo>, TufError> {
        let mut visited = BTreeSet::new();
        let mut stack = vec![Visit::Top];
        while let Some(visit) = stack.pop() {
            if visited.len() >= self.repo.limits.max_delegations {
                break;
            }
            let Some(doc) = self.visit(visit, &mut visited)? else {
                continue;
            };
            if let Some(info) = doc.body.targets.get(name) {
                return Ok(Some(info.clone()));
            }
            push_children(&mut stack, &doc, name);
        }
        Ok(None)
    }

    /// Loads the visited role's metadata, or `None` if the role was visited before.
    fn visit(
        &mut self,
        visit: Visit,
        visited: &mut BTreeSet<String>,
    ) -> Result<Option<Arc<Document<Targets>>>, TufError> {
        match visit {
            Visit::Top if visited.insert("targets".to_owned()) => self.trusted_targets().map(Some),
            Visit::Delegated { delegations, index } => {
                let Some(role) = delegations.roles.get(index) else {
                    return Ok(None);
                };
                if !visited.insert(role.name.clone()) {
                    return Ok(None);
                }
                self.delegated(&delegations, role).map(Some)
            }
            Visit::Top => Ok(None),
        }
    }

    fn trusted_targets(&self) -> Result<Arc<Document<Targets>>, TufError> {
        let trusted = self.trusted.as_ref().ok_or_else(not_refreshed)?;
        Ok(Arc::clone(&trusted.targets))
    }

    /// The delegated role's metadata, from this refresh's cache or loaded and verified now.
    fn delegated(
        &mut self,
        delegations: &Delegations,
        role: &DelegatedRole,
    ) -> Result<Arc<Document<Targets>>, TufError> {
        let trusted = self.trusted.as_mut().ok_or_else(not_refreshed)?;
        if let Some(doc) = trusted.delegated.get(&role.name) {
            return Ok(Arc::clone(doc));
        }
        let consistent = trusted.root.body.consistent_snapshot;
        let keys = (&delegations.keys, &role.role);
        let doc = self
            .repo
            .load_targets(&role.name, keys, &trusted.snapshot, consistent)?;
        let doc = Arc::new(doc);
        trusted
            .delegated
            .insert(role.name.clone(), Arc::clone(&doc));
        Ok(doc)
    }
}

fn not_refreshed() -> TufError {
    TufError::malformed("trusted metadata", "no successful refresh")
}

/// Pushes the delegations of `doc` that cover `name`, so that the first listed is visited
/// first; a terminating one drops every role not yet visited and ends the list.
fn push_children(stack: &mut Vec<Visit>, doc: &Document<Targets>, name: &str) {
    let Some(delegations) = &doc.body.delegations else {
        return;
    };
    let mut children = Vec::new();
    for (index, role) in delegations.roles.iter().enumerate() {
        if !covers(role, name) {
            continue;
        }
        let delegations = Arc::clone(delegations);
        children.push(Visit::Delegated { delegations, index });
        if role.terminating {
            stack.clear();
            break;
        }
    }
    stack.extend(children.into_iter().rev());
}

/// Whether the delegation covers the target path `name`.
fn covers(role: &DelegatedRole, name: &str) -> bool {
    match &role.scope {
        PathScope::Patterns(patterns) => patterns.iter().any(|p| path_matches(p, name)),
        PathScope::HashPrefixes(prefixes) => {
            let digest = hex::encode(Sha256::digest(name.as_bytes()));
            prefixes.iter().any(|p| digest.starts_with(p.as_str()))
        }
    }
}

/// Matches `name` against `pattern` segment by segment; both must have as many segments.
pub(super) fn path_matches(pattern: &str, name: &str) -> bool {
    let (mut patterns, mut names) = (pattern.split('/'), name.split('/'));
    loop {
        match (patterns.next(), names.next()) {
            (None, None) => return true,
            (Some(p), Some(n)) if segment_matches(p, n) => {}
            _ => return false,
        }
    }
}

/// Wildcard match of one segment: `*` any run, `?` one character. Greedy with backtracking
/// to the last `*`, so linear in practice and never exponential.
fn segment_matches(pattern: &str, text: &str) -> bool {
    let (pattern, text): (Vec<char>, Vec<char>) =
        (pattern.chars().collect(), text.chars().collect());
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(c) if *c == '?' || Some(c) == text.get(t) => (p, t) = (p + 1, t + 1),
            _ => match star {
                Some((star_p, star_t)) => {
                    (p, t) = (star_p + 1, star_t + 1);
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn patterns_match_per_segment() {
        let cases = [
            ("delegatedrole/*", "delegatedrole/artifact", true),
            ("delegatedrole/*", "delegatedrole/a/b", false),
            ("delegatedrole/*/*", "delegatedrole/a/b", true),
            ("registry.npmjs.org/*", "registry.npmjs.org/keys.json", true),
            ("registry.npmjs.org/*", "trusted_root.json", false),
            ("*.json", "keys.json", true),
            ("*.json", "dir/keys.json", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("*", "", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("file", "file", true),
            ("file", "File", false),
        ];
        for (pattern, name, expected) in cases {
            assert_eq!(path_matches(pattern, name), expected, "{pattern} vs {name}");
        }
    }
}
