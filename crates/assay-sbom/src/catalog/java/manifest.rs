//! `META-INF/MANIFEST.MF`, per the JAR File Specification ("JAR Manifest"): `Name: value`
//! headers; a line starting with one space continues the previous value; a blank line ends a
//! section. The first section is the main one; later ones (`Name: <entry>`) describe entries.
//! Header names are case-insensitive. Reading is lenient: lines that are neither a header nor
//! a continuation are skipped, as real manifests sometimes carry junk.

use std::collections::BTreeMap;

/// A parsed manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Manifest {
    /// The main section, by lowercase header name.
    main: BTreeMap<String, String>,
    /// The per-entry sections, in order.
    sections: Vec<BTreeMap<String, String>>,
}

impl Manifest {
    /// Parses manifest text.
    pub(super) fn parse(text: &str) -> Self {
        let mut sections: Vec<BTreeMap<String, String>> = vec![BTreeMap::new()];
        let mut last_key: Option<String> = None;
        let mut fresh = false;
        for line in text.lines() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() {
                fresh = true;
                last_key = None;
                continue;
            }
            if let Some(cont) = line.strip_prefix(' ') {
                append(&mut sections, last_key.as_deref(), cont);
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                last_key = None;
                continue;
            };
            if fresh {
                sections.push(BTreeMap::new());
                fresh = false;
            }
            let key = key.trim().to_ascii_lowercase();
            if let Some(section) = sections.last_mut() {
                section.insert(key.clone(), value.trim().to_owned());
            }
            last_key = Some(key);
        }
        let mut sections = sections.into_iter();
        let main = sections.next().unwrap_or_default();
        Self {
            main,
            sections: sections.collect(),
        }
    }

    /// A non-empty main-section value.
    pub(super) fn main(&self, key: &str) -> Option<&str> {
        lookup(&self.main, key)
    }

    /// A non-empty value from the main section, else the first entry section that has one.
    pub(super) fn any(&self, key: &str) -> Option<&str> {
        self.main(key)
            .or_else(|| self.sections.iter().find_map(|s| lookup(s, key)))
    }
}

fn lookup<'m>(section: &'m BTreeMap<String, String>, key: &str) -> Option<&'m str> {
    section
        .get(&key.to_ascii_lowercase())
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
}

/// Appends a continuation line to the value of `key` in the current section.
fn append(sections: &mut [BTreeMap<String, String>], key: Option<&str>, cont: &str) {
    let value = key.and_then(|k| sections.last_mut()?.get_mut(k));
    if let Some(value) = value {
        value.push_str(cont.trim_end());
    }
}

#[cfg(test)]
mod tests {
    use super::Manifest;

    #[test]
    fn continuation_and_sections() {
        let m = Manifest::parse(
            "Manifest-Version: 1.0\r\nPlugin-ScmUrl: https://github.com/jenkinsci/plugin-pom/example-jenkins\r\n -plugin\r\n\r\nName: org/opensaml/core/\r\nImplementation-Version: 3.4.6\r\n",
        );
        assert_eq!(
            m.main("plugin-scmurl"),
            Some("https://github.com/jenkinsci/plugin-pom/example-jenkins-plugin")
        );
        assert_eq!(m.main("Implementation-Version"), None);
        assert_eq!(m.any("Implementation-Version"), Some("3.4.6"));
    }

    #[test]
    fn junk_is_skipped() {
        let m = Manifest::parse("Manifest-Version: 1.0\n\n\n.\n\n :\n\nOther: things\njunk\n:\n");
        assert_eq!(m.main("Manifest-Version"), Some("1.0"));
        assert_eq!(m.any("Other"), Some("things"));
        assert_eq!(Manifest::parse(""), Manifest::default());
    }
}
