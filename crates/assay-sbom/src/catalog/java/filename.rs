//! A package name and version guessed from an archive's file name, as syft guesses them
//! (`archive_filename.go`): `commons-io-2.11.0.jar` is `commons-io` `2.11.0`.
//!
//! The name is one or more `-`-separated words, each starting with a letter and made of word
//! characters (`[A-Za-z0-9_]`) and dots. The version starts at the first `-` that is followed
//! by a version-looking rest: a digit and anything after it, `build<digits>...`, or
//! `r<digits>` / `rc<digits>` (case-insensitive). A name without such a `-` may still end in
//! `_<version>` or `.<version>` (`foo_1.2.3`).

/// `(name, version)` for `file_name` (with or without its extension); either may be empty.
pub(super) fn name_and_version(file_name: &str) -> (String, String) {
    let base = file_name.rsplit('/').next().unwrap_or(file_name);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let (name, version) = split_dash(stem);
    if !version.is_empty() {
        return (name.to_owned(), version.to_owned());
    }
    match split_secondary(name) {
        Some((n, v)) => (n.to_owned(), v.to_owned()),
        None => (name.to_owned(), String::new()),
    }
}

/// The first `-` after a valid name and before a version-looking rest; else the whole stem as
/// a name when it is one, else nothing.
fn split_dash(stem: &str) -> (&str, &str) {
    for (i, _) in stem.match_indices('-') {
        let (name, rest) = stem.split_at(i);
        let version = rest.get(1..).unwrap_or_default();
        if is_name(name) && is_version(version) {
            return (name, version);
        }
    }
    if is_name(stem) { (stem, "") } else { ("", "") }
}

/// The leftmost `.`, `_` or `-` followed by a version that runs to the end.
fn split_secondary(name: &str) -> Option<(&str, &str)> {
    name.char_indices()
        .filter(|(_, c)| matches!(c, '.' | '_' | '-'))
        .find_map(|(i, _)| {
            let version = name.get(i + 1..)?;
            is_version(version).then(|| (name.get(..i).unwrap_or_default(), version))
        })
}

/// Words separated by single `-`, each starting with a letter; a trailing `-` is allowed.
fn is_name(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    let parts: Vec<&str> = s.split('-').collect();
    let last = parts.len() - 1;
    parts.iter().enumerate().all(|(i, p)| {
        (p.is_empty() && i == last && i > 0)
            || p.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    })
}

/// A digit and anything; `build<digits>` and anything; `r<digits>` or `rc<digits>` exactly.
fn is_version(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let digits_from = |rest: &str| rest.chars().next().is_some_and(|c| c.is_ascii_digit());
    if digits_from(&lower) {
        return true;
    }
    if let Some(rest) = lower.strip_prefix("build") {
        return digits_from(rest);
    }
    let rest = lower
        .strip_prefix("rc")
        .or_else(|| lower.strip_prefix('r'))
        .unwrap_or_default();
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::name_and_version;

    fn nv(file: &str) -> (String, String) {
        name_and_version(file)
    }

    #[test]
    fn syft_cases() {
        let cases = [
            ("commons-io-2.11.0.jar", "commons-io", "2.11.0"),
            ("some-package-4.0.1.jar", "some-package", "4.0.1"),
            ("prefix.thing-4.jar", "prefix.thing", "4"),
            ("my-http2-server-5.jar", "my-http2-server", "5"),
            ("jetpack-build235-rc5.jar", "jetpack", "build235-rc5"),
            ("ironman-r4-2009.jar", "ironman-r4", "2009"),
            ("api-all-2.0.0-sources.jar", "api-all", "2.0.0-sources"),
            (
                "pkg-extra-field-4.3.2-rc1.ear",
                "pkg-extra-field",
                "4.3.2-rc1",
            ),
            ("pkg-extra-field-4.3-rc1.jpi", "pkg-extra-field", "4.3-rc1"),
            ("/some/path/gradle.hpi", "gradle", ""),
            ("org.multiple-thename.jar", "org.multiple-thename", ""),
            ("foo_1.2.3.jar", "foo", "1.2.3"),
            ("wildfly-ejb-RC3.jar", "wildfly-ejb", "RC3"),
            (
                "spring-boot-0.0.1-SNAPSHOT.jar",
                "spring-boot",
                "0.0.1-SNAPSHOT",
            ),
            ("1234.jar", "", ""),
            ("", "", ""),
        ];
        for (file, name, version) in cases {
            assert_eq!(nv(file), (name.to_owned(), version.to_owned()), "{file}");
        }
    }
}
