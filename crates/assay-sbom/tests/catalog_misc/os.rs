//! Operating-system and store package databases: Arch (pacman), Gentoo (Portage), RPM, Nix.

use std::collections::BTreeSet;
use std::path::Path;

use assay_oci::hostfs::HostTree;
use assay_sbom::catalog::arch::ArchCataloger;
use assay_sbom::catalog::elixir::ElixirCataloger;
use assay_sbom::catalog::gentoo::GentooCataloger;
use assay_sbom::catalog::nix::NixCataloger;
use assay_sbom::catalog::rpm::RpmCataloger;
use assay_sbom::catalog::{self, Cataloger};
use assay_sbom::model::SourceInfo;

use crate::support::*;

// ------------------------------------------------------------------------------------ arch

#[test]
fn arch_finds_everything_syft_finds() {
    let counts = compare_with_syft("arch", &["alpm-db-cataloger"], &[], ArchCataloger);
    if let Some(c) = counts.get("arch/installed") {
        assert_eq!(*c, (5, 5, 5));
    }
}

#[test]
fn arch_packages_files_and_edges() {
    let Some(sbom) = fixture("arch/installed", ArchCataloger) else {
        return;
    };
    let gmp = named(&sbom, "gmp", "6.2.1-2");
    assert_eq!(
        gmp.purl.to_string(),
        "pkg:alpm/arch/gmp@6.2.1-2?arch=x86_64"
    );
    assert_eq!(
        gmp.supplier,
        Some(assay_sbom::model::Party::Person {
            name: "Antonio Rojas".into(),
            email: Some("arojas@archlinux.org".into())
        })
    );
    assert!(gmp.license.as_deref().unwrap().starts_with("LGPL-3.0"));
    let want: BTreeSet<_> = [
        edge("emacs@29.3-3", "tree-sitter@0.22.6-1"),
        edge("fuzzy@1.2-3", "tree-sitter@0.22.6-1"),
        edge("gmp@6.2.1-2", "tree-sitter@0.22.6-1"),
        edge("madeup@20.30-4", "tree-sitter@0.22.6-1"),
    ]
    .into();
    assert_eq!(edges(&sbom), want);
    // The corrupt entry (%NME%, %VER.6-1) warns; the rest is read.
    assert!(warned_about(
        &sbom,
        "/var/lib/pacman/local/corrupt-0.2.1-3/desc"
    ));
    assert_eq!(sbom.warnings.len(), 1, "{:?}", sbom.warnings);
}

#[test]
fn arch_owned_files_hide_language_packages() {
    let tree = MemTree::default()
        .file(
            "var/lib/pacman/local/x-1-1/desc",
            "%NAME%\nx\n\n%VERSION%\n1-1\n",
        )
        .file(
            "var/lib/pacman/local/x-1-1/files",
            "%FILES%\nusr/\nusr/lib/x/mix.lock\n",
        )
        .file(
            "usr/lib/x/mix.lock",
            "%{\"b\": {:hex, :b, \"2.0\", \"x\", [:mix], [], \"hexpm\", \"y\"}}",
        );
    let source = SourceInfo {
        supplier: None,
        name: "t".to_owned(),
        kind: "directory".to_owned(),
        digest: None,
    };
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(ArchCataloger), Box::new(ElixirCataloger)];
    let sbom = catalog::catalog(&tree, source, &cats);
    // Other (non-OS) kinds are dropped when an OS package owns their evidence.
    assert_eq!(ours(&sbom), [nv("x", "1-1")].into());
}

// ---------------------------------------------------------------------------------- gentoo

#[test]
fn gentoo_finds_everything_syft_finds() {
    let counts = compare_with_syft("gentoo", &["portage-cataloger"], &[], GentooCataloger);
    for c in counts.values() {
        assert_eq!(*c, (1, 1, 1));
    }
}

#[test]
fn gentoo_licenses_and_groups() {
    let Some(sbom) = fixture("gentoo/layout-license-groups", GentooCataloger) else {
        return;
    };
    let skopeo = named(&sbom, "app-containers/skopeo", "1.5.1");
    assert_eq!(
        skopeo.purl.to_string(),
        "pkg:ebuild/app-containers/skopeo@1.5.1"
    );
    let groups = skopeo.license.clone().unwrap();
    let Some(sbom) = fixture("gentoo/layout", GentooCataloger) else {
        return;
    };
    let plain = named(&sbom, "app-containers/skopeo", "1.5.1");
    let mut a: Vec<&str> = groups.split(" AND ").collect();
    let mut b: Vec<&str> = plain.license.as_deref().unwrap().split(" AND ").collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "the groups expand to the same six licenses");
    assert_eq!(a.len(), 6);
    assert!(a.contains(&"Apache-2.0") && a.contains(&"MIT"));
    assert_eq!(plain.metadata["size"], "27937835");
}

// ------------------------------------------------------------------------------------- rpm

const RPM_SYFT_ONLY: SyftOnly<'_> = &[
    (
        "redhat/rpmdb-bdb",
        "dive",
        "0.9.2-1",
        "a Berkeley DB rpmdb (`var/lib/rpm/Packages`, before rpm 4.16): not read, and a warning \
         says so",
    ),
    (
        "redhat/rpmmanifest-mariner",
        "vim",
        "45000:9.0-1.cm2",
        "45000 is the SIZE column; vim's epoch is 2 (the EPOCH and EPOCHNUM columns)",
    ),
];

#[test]
fn rpm_finds_everything_syft_finds() {
    let counts = compare_with_syft("redhat", &["rpm-db-cataloger"], RPM_SYFT_ONLY, RpmCataloger);
    if counts.is_empty() {
        return;
    }
    assert_eq!(counts["redhat/rpmmanifest-mariner"], (5, 4, 5));
    assert_eq!(counts["redhat/rpmdb-bdb"], (1, 0, 0));
}

#[test]
fn rpm_mariner_manifest() {
    let Some(sbom) = fixture("redhat/rpmmanifest-mariner", RpmCataloger) else {
        return;
    };
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    let vim = named(&sbom, "vim", "2:9.0-1.cm2");
    assert_eq!(
        vim.purl.to_string(),
        "pkg:rpm/vim@9.0-1.cm2?arch=x86_64&epoch=2&upstream=vim-9.0-1.cm2.src.rpm"
    );
    assert_eq!(
        vim.supplier,
        Some(assay_sbom::model::Party::Organization {
            name: "Microsoft Corporation".into(),
            email: None
        })
    );
    assert_eq!(vim.metadata["size"], "45000");
    let Some(sbom) = fixture("redhat/rpmdb-bdb", RpmCataloger) else {
        return;
    };
    assert!(
        warned_about(&sbom, "/var/lib/rpm/Packages"),
        "{:?}",
        sbom.warnings
    );
}

/// An RPM header blob (rpm's `headerExport` layout, no magic) with the given string,
/// string-array and int32 tags.
fn rpm_header(
    strings: &[(u32, &str)],
    arrays: &[(u32, &[&str])],
    ints: &[(u32, &[u32])],
) -> Vec<u8> {
    let mut index = Vec::new();
    let mut data: Vec<u8> = Vec::new();
    let mut push = |tag: u32, ty: u32, count: usize, bytes: Vec<u8>, data: &mut Vec<u8>| {
        while ty == 4 && !data.len().is_multiple_of(4) {
            data.push(0);
        }
        for v in [tag, ty, data.len() as u32, count as u32] {
            index.extend(v.to_be_bytes());
        }
        data.extend(bytes);
    };
    for (t, v) in ints {
        let bytes = v.iter().flat_map(|i| i.to_be_bytes()).collect();
        push(*t, 4, v.len(), bytes, &mut data);
    }
    for (t, v) in strings {
        push(*t, 6, 1, format!("{v}\0").into_bytes(), &mut data);
    }
    for (t, v) in arrays {
        let bytes = v
            .iter()
            .flat_map(|s| format!("{s}\0").into_bytes())
            .collect();
        push(*t, 8, v.len(), bytes, &mut data);
    }
    let mut out = Vec::new();
    out.extend(((index.len() / 16) as u32).to_be_bytes());
    out.extend((data.len() as u32).to_be_bytes());
    out.extend(index);
    out.extend(data);
    out
}

/// An rpmdb.sqlite (WAL mode, as rpm writes it) under `root` holding `blobs`.
fn rpmdb(root: &Path, blobs: &[Vec<u8>]) {
    let dir = root.join("usr/lib/sysimage/rpm");
    std::fs::create_dir_all(&dir).unwrap();
    let conn = rusqlite::Connection::open(dir.join("rpmdb.sqlite")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.execute_batch(
        "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);",
    )
    .unwrap();
    for b in blobs {
        conn.execute("INSERT INTO Packages (blob) VALUES (?1)", [b])
            .unwrap();
    }
    drop(conn);
}

#[test]
fn rpm_sqlite_database() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("etc")).unwrap();
    std::fs::write(
        tmp.path().join("etc/os-release"),
        "ID=fedora\nVERSION_ID=40\nPRETTY_NAME=\"Fedora Linux 40\"\n",
    )
    .unwrap();
    let bash = rpm_header(
        &[
            (1000, "bash"),
            (1001, "5.2.26"),
            (1002, "3.fc40"),
            (1022, "x86_64"),
            (1014, "GPL-3.0-or-later"),
            (1011, "Fedora Project"),
            (1044, "bash-5.2.26-3.fc40.src.rpm"),
        ],
        &[
            (
                1049,
                &[
                    "libc.so.6()(64bit)",
                    "/usr/bin/sh",
                    "rpmlib(CompressedFileNames)",
                ],
            ),
            (1047, &["bash"]),
            (1118, &["/usr/bin/"]),
            (1117, &["bash", "sh"]),
        ],
        &[(1116, &[0, 0])],
    );
    let glibc = rpm_header(
        &[
            (1000, "glibc"),
            (1001, "2.39"),
            (1002, "4.fc40"),
            (1022, "x86_64"),
            (1014, "LGPLv2+ and GPLv2+"),
        ],
        &[
            (1047, &["libc.so.6()(64bit)"]),
            (1118, &["/usr/lib64/"]),
            (1117, &["libc.so.6"]),
        ],
        &[(1116, &[0]), (1003, &[1])],
    );
    let key = rpm_header(&[(1000, "gpg-pubkey"), (1001, "a15b79cc")], &[], &[]);
    rpmdb(tmp.path(), &[bash, glibc, key, b"truncated".to_vec()]);
    let sbom = scan_dir(tmp.path(), RpmCataloger);
    assert_eq!(
        ours(&sbom),
        [nv("bash", "5.2.26-3.fc40"), nv("glibc", "1:2.39-4.fc40")].into()
    );
    let bash = named(&sbom, "bash", "5.2.26-3.fc40");
    assert_eq!(
        bash.purl.to_string(),
        "pkg:rpm/fedora/bash@5.2.26-3.fc40?arch=x86_64&distro=fedora-40&upstream=bash-5.2.26-3.fc40.src.rpm"
    );
    assert_eq!(bash.license.as_deref(), Some("GPL-3.0-or-later"));
    assert_eq!(bash.kind.as_str(), "rpm");
    let glibc = named(&sbom, "glibc", "1:2.39-4.fc40");
    assert!(glibc.purl.to_string().contains("epoch=1"));
    assert_eq!(
        glibc.supplier,
        Some(assay_sbom::model::Party::Organization {
            name: "Fedora Linux 40".into(),
            email: None
        })
    );
    assert_eq!(
        edges(&sbom),
        [edge("bash@5.2.26-3.fc40", "glibc@1:2.39-4.fc40")].into()
    );
    assert_eq!(sbom.warnings.len(), 1, "{:?}", sbom.warnings);
    assert!(sbom.warnings[0].message.contains("package #4"));
}

#[test]
fn rpm_owned_files_hide_language_packages() {
    let tmp = tempfile::tempdir().unwrap();
    let owner = rpm_header(
        &[(1000, "elixir-app"), (1001, "1"), (1002, "1")],
        &[(1118, &["/srv/app/"]), (1117, &["mix.lock"])],
        &[(1116, &[0])],
    );
    rpmdb(tmp.path(), &[owner]);
    std::fs::create_dir_all(tmp.path().join("srv/app")).unwrap();
    std::fs::write(
        tmp.path().join("srv/app/mix.lock"),
        "%{\"b\": {:hex, :b, \"2.0\", \"x\", [:mix], [], \"hexpm\", \"y\"}}",
    )
    .unwrap();
    let source = SourceInfo {
        supplier: None,
        name: "t".to_owned(),
        kind: "directory".to_owned(),
        digest: None,
    };
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(RpmCataloger), Box::new(ElixirCataloger)];
    let sbom = catalog::catalog(&HostTree::dir(tmp.path()).unwrap(), source, &cats);
    assert_eq!(ours(&sbom), [nv("elixir-app", "1-1")].into());
}

#[test]
fn rpm_garbage_databases_warn() {
    let tree = MemTree::default()
        .file("var/lib/rpm/rpmdb.sqlite", noise(8192, 11))
        .file(
            "var/lib/rpm2/rpm/rpmdb.sqlite",
            [b"SQLite format 3\0".as_slice(), &noise(4096, 5)].concat(),
        )
        .file("var/lib/rpmmanifest/container-manifest-2", "a\tb\n");
    let sbom = scan(&tree, RpmCataloger);
    assert!(sbom.packages.is_empty());
    assert_eq!(sbom.warnings.len(), 3, "{:?}", sbom.warnings);
}

// ------------------------------------------------------------------------------------- nix

#[test]
fn nix_finds_everything_syft_finds() {
    let counts = compare_with_syft("nix", &["nix-store-cataloger"], &[], NixCataloger);
    if let Some(c) = counts.get("nix/fixture-1") {
        assert_eq!(*c, (1, 1, 1));
    }
    let Some(sbom) = fixture("nix/fixture-1", NixCataloger) else {
        return;
    };
    let glibc = named(&sbom, "glibc", "2.34-210");
    assert_eq!(
        glibc.purl.to_string(),
        "pkg:nix/glibc@2.34-210?output=bin&outputhash=h0cnbmfcn93xm5dg2x27ixhag1cwndga"
    );
}
