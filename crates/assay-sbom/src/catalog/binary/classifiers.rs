//! The classifier table: which file names to read, which byte patterns carry a version, and
//! what package a match names.
//!
//! Every pattern is a `regex::bytes` expression in `(?-u)` mode (so `.` and classes match raw
//! bytes) with a named group `v` for the version. They were written from the version markers
//! in upstream release binaries (the strings a program prints for `--version`, build paths,
//! banner texts). Package names and purl shapes follow syft's `binary-classifier-cataloger`.

/// How a match becomes a purl: `pkg:<ty>/<namespace>/<name>@<version>`.
#[derive(Debug, Clone, Copy)]
pub(super) struct PurlShape {
    /// Purl type (`generic`, `golang`, `github`).
    pub(super) ty: &'static str,
    /// Purl namespace, if any.
    pub(super) namespace: Option<&'static str>,
    /// Purl name.
    pub(super) name: &'static str,
}

/// One well-known program.
#[derive(Debug, Clone, Copy)]
pub(super) struct Classifier {
    /// File names to read: exact, or a prefix when ending in `*`.
    pub(super) files: &'static [&'static str],
    /// Byte patterns, tried in order; the first with a `v` group match wins.
    pub(super) patterns: &'static [&'static str],
    /// The package name, as syft names it.
    pub(super) name: &'static str,
    /// The purl.
    pub(super) purl: PurlShape,
    /// The project that publishes it.
    pub(super) supplier: Option<&'static str>,
}

/// `pkg:generic/<name>`.
const fn generic(name: &'static str) -> PurlShape {
    PurlShape {
        ty: "generic",
        namespace: None,
        name,
    }
}

/// `pkg:generic/<namespace>/<name>`.
const fn generic_ns(namespace: &'static str, name: &'static str) -> PurlShape {
    PurlShape {
        ty: "generic",
        namespace: Some(namespace),
        name,
    }
}

/// A classifier without a known supplier.
const fn c(
    files: &'static [&'static str],
    patterns: &'static [&'static str],
    name: &'static str,
    purl: PurlShape,
) -> Classifier {
    Classifier {
        files,
        patterns,
        name,
        purl,
        supplier: None,
    }
}

/// A classifier whose publisher is known.
const fn s(
    files: &'static [&'static str],
    patterns: &'static [&'static str],
    name: &'static str,
    purl: PurlShape,
    supplier: &'static str,
) -> Classifier {
    Classifier {
        files,
        patterns,
        name,
        purl,
        supplier: Some(supplier),
    }
}

/// The Go toolchain's classifier index in [`CLASSIFIERS`] gets a `VERSION` file fallback.
pub(super) const GO_NAME: &str = "go";

/// Every classifier. Order matters: for one file the first classifier that matches wins, so
/// the more specific ones (Percona's `mysql`, GraalVM's `java`) come before the general ones.
pub(super) static CLASSIFIERS: &[Classifier] = &[
    s(
        &["python*", "libpython*"],
        &[
            r"(?-u)\x00(?P<v>[0-9]+\.[0-9]+\.[0-9]+(?:(?:a|b|rc)[0-9]+)?)\x00(?:[a-z]+\x00)?<prefix>/lib/python",
            r"(?-u)\x00(?P<v>[0-9]+\.[0-9]+\.[0-9]+(?:(?:a|b|rc)[0-9]+)?)\x00%\.80s \(%\.80s\)",
        ],
        "python",
        generic("python"),
        "Python Software Foundation",
    ),
    c(
        &["libpypy*"],
        &[r"(?-u)\[PyPy (?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "pypy",
        generic("pypy"),
    ),
    c(
        &["java"],
        &[
            r"(?-u)\x00java\x000\.0\x00(?P<v>[0-9]+\.[0-9]+\.[0-9]+\+[0-9]+-jvmci-[0-9.]+-b[0-9]+)\x00",
        ],
        "java/graalvm",
        generic_ns("java", "graalvm"),
    ),
    c(
        &["jdb"],
        &[
            r"(?-u)\x00(?:java|jdb)\x00(?:0\.0|1\.[0-9])\x00(?P<v>[0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z_+.-]*)\x00",
        ],
        "java/jdk",
        generic_ns("java", "jdk"),
    ),
    c(
        &["java"],
        &[
            r"(?-u)\x00java\x00(?:0\.0|1\.[0-9])\x00(?P<v>[0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z_+.-]*)\x00",
        ],
        "java/jre",
        generic_ns("java", "jre"),
    ),
    s(
        &["node"],
        &[
            r"(?-u)node\.js/v(?P<v>[0-9]+\.[0-9]+\.[0-9]+)",
            r"(?-u)node v(?P<v>[0-9]+\.[0-9]+\.[0-9]+)\x00",
            r"(?-u)\x00v(?P<v>[0-9]+\.[0-9]+\.[0-9]+)\x00(?:moduleLoadList|--enable-ssl)",
        ],
        "node",
        generic("node"),
        "OpenJS Foundation",
    ),
    s(
        &["go", "go.exe"],
        &[r"(?-u)\x00go(?P<v>[0-9]+\.[0-9]+(?:\.[0-9]+)?(?:(?:rc|beta)[0-9]+)?)\x00"],
        GO_NAME,
        generic("go"),
        "The Go Authors",
    ),
    c(
        &["busybox", "["],
        &[r"(?-u)BusyBox v(?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "busybox",
        generic("busybox"),
    ),
    c(
        &["haproxy"],
        &[
            r"(?-u)HA-Proxy version (?P<v>[0-9]+\.[0-9]+\.[0-9]+)",
            r"(?-u)version (?P<v>[0-9]+\.[0-9]+\.[0-9]+), released",
            r"(?-u)\x00(?P<v>[0-9]+\.[0-9]+(?:\.[0-9]+)?(?:-dev[0-9]+)?)-[0-9a-f]{7,}\x00+HAProxy version",
        ],
        "haproxy",
        generic("haproxy"),
    ),
    c(
        &["perl*"],
        &[r"(?-u)/lib/perl5/(?P<v>5\.[0-9]+\.[0-9]+)"],
        "perl",
        generic("perl"),
    ),
    s(
        &["postgres"],
        &[r"(?-u)PostgreSQL (?P<v>[0-9]+(?:\.[0-9]+)*(?:(?:alpha|beta|rc)[0-9]+)?) "],
        "postgresql",
        generic("postgresql"),
        "PostgreSQL Global Development Group",
    ),
    c(
        &["mysql"],
        &[r"(?-u)/percona-server-(?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "percona-server",
        generic("percona-server"),
    ),
    c(
        &["mysql"],
        &[r"(?-u)/Percona-XtraDB-Cluster-(?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "percona-xtradb-cluster",
        generic("percona-xtradb-cluster"),
    ),
    c(
        &["xtrabackup"],
        &[r"(?-u)/percona-xtrabackup-(?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "percona-xtrabackup",
        generic("percona-xtrabackup"),
    ),
    c(
        &["mysqld", "ndb_mgmd", "ndbd", "ndbmtd"],
        &[
            r"(?-u)-ndb-(?P<v>[0-9]+\.[0-9]+\.[0-9]+)\x00",
            r"(?-u)/mysql-cluster-gpl-(?P<v>[0-9]+\.[0-9]+\.[0-9]+)/",
        ],
        "mysql-cluster",
        generic("mysql-cluster"),
    ),
    c(
        &["mysql", "mysqld"],
        &[
            r"(?-u)\x00(?P<v>[0-9]+\.[0-9]+\.[0-9]+)\x00+mysql_real_escape",
            r"(?-u)/mysql-(?P<v>[0-9]+\.[0-9]+\.[0-9]+)/",
        ],
        "mysql",
        generic("mysql"),
    ),
    c(
        &["mariadb", "mysql"],
        &[r"(?-u)\x00(?P<v>[0-9]+\.[0-9]+\.[0-9]+)-MariaDB"],
        "mariadb",
        generic("mariadb"),
    ),
    c(
        &["nginx"],
        &[r"(?-u)nginx version: (?:nginx|openresty)/(?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "nginx",
        generic("nginx"),
    ),
    s(
        &["httpd"],
        &[r"(?-u)\x00Apache/(?P<v>[0-9]+\.[0-9]+\.[0-9]+)\x00"],
        "httpd",
        generic("httpd"),
        "Apache Software Foundation",
    ),
    c(
        &["openssl"],
        &[r"(?-u)OpenSSL (?P<v>[0-9]+\.[0-9]+\.[0-9]+[a-z]*) "],
        "openssl",
        generic("openssl"),
    ),
    c(
        &["traefik"],
        &[r"(?-u)[\x00\x1c\xbe]v?(?P<v>[0-9]+\.[0-9]+\.[0-9]+)\x00"],
        "traefik",
        generic("traefik"),
    ),
    c(
        &["memcached"],
        &[r"(?-u)memcached (?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "memcached",
        generic("memcached"),
    ),
    c(
        &["erlexec", "beam.smp", "liberts_internal.a"],
        &[r"(?-u)/otp_src_(?P<v>[0-9]+(?:\.[0-9]+)*)/erts"],
        "erlang",
        generic("erlang"),
    ),
    c(
        &["dart"],
        &[r"(?-u)\x00(?P<v>[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.]+)?) \((?:stable|beta|dev)\)"],
        "dart",
        generic("dart"),
    ),
    c(
        &["arangosh"],
        &[r"(?-u)\x00(?P<v>[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9]+)?) (?:enterprise )?\[linux\]"],
        "arangodb",
        generic("arangodb"),
    ),
    s(
        &["bash"],
        &[r"(?-u)Bash version (?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "bash",
        generic("bash"),
        "GNU Project",
    ),
    s(
        &["gcc"],
        &[r"(?-u)GCC: \(GNU\) (?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "gcc",
        generic("gcc"),
        "GNU Project",
    ),
    s(
        &["gzip"],
        &[r"(?-u)\x00(?P<v>[0-9]+\.[0-9]+)\x00%s %s"],
        "gzip",
        generic("gzip"),
        "GNU Project",
    ),
    c(
        &["cabal"],
        &[r"(?-u)Cabal-(?P<v>[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)-inplace"],
        "haskell/cabal",
        generic_ns("haskell", "cabal"),
    ),
    c(
        &["ghc*"],
        &[r"(?-u)\x00GHC (?P<v>[0-9]+\.[0-9]+\.[0-9]+)\x00"],
        "haskell/ghc",
        generic_ns("haskell", "ghc"),
    ),
    c(
        &["jq"],
        &[r"(?-u)\x00(?P<v>[0-9]+\.[0-9]+(?:\.[0-9]+)?)\x00DEBUG:"],
        "jq",
        generic("jq"),
    ),
    c(
        &["libjulia-internal.so*"],
        &[
            r"(?-u)\x00(?P<v>[0-9]+\.[0-9]+\.[0-9]+(?:-[a-z]+[0-9]*)?)\x00(?:verify_methods|branch|julia version)",
        ],
        "julia",
        generic("julia"),
    ),
    c(
        &["lighttpd"],
        &[r"(?-u)\x00lighttpd/(?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "lighttpd",
        generic("lighttpd"),
    ),
    c(
        &["libphp*"],
        &[r"(?-u)X-Powered-By: PHP/(?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "libphp",
        generic("php"),
    ),
    c(
        &["proftpd"],
        &[r"(?-u)ProFTPD Version (?P<v>[0-9]+\.[0-9]+\.[0-9]+[a-z]*)"],
        "proftpd",
        generic("proftpd"),
    ),
    c(
        &["ruby"],
        &[r"(?-u)ruby (?P<v>[0-9]+\.[0-9]+\.[0-9]+(?:p[0-9]+)?) \("],
        "ruby",
        generic("ruby"),
    ),
    s(
        &["libstd-*"],
        &[r"(?-u)(?P<v>[0-9]+\.[0-9]+\.[0-9]+) \([0-9a-f]{9} [0-9]{4}-[0-9]{2}-[0-9]{2}\)"],
        "rust",
        generic("rust"),
        "The Rust Project",
    ),
    c(
        &["sqlcipher"],
        &[r"(?-u)community\x00(?P<v>[0-9]+\.[0-9]+\.[0-9]+)\x00"],
        "sqlcipher",
        generic("sqlcipher"),
    ),
    c(
        &["swipl"],
        &[r"(?-u)/swipl-(?P<v>[0-9]+\.[0-9]+\.[0-9]+)/"],
        "swipl",
        generic("swipl"),
    ),
    c(
        &[
            "getopt", "mount", "umount", "lsblk", "fdisk", "blkid", "losetup",
        ],
        &[r"(?-u)util-linux (?P<v>[0-9]+\.[0-9]+(?:\.[0-9]+)?)"],
        "util-linux",
        generic("util-linux"),
    ),
    c(
        &["wp"],
        &[r"(?-u)wp-cli/wp-cli (?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "wp-cli",
        generic("wp-cli"),
    ),
    c(
        &["xz"],
        &[r"(?-u)xz \(XZ Utils\) (?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "xz",
        generic("xz"),
    ),
    c(
        &["zstd"],
        &[r"(?-u)\x00v(?P<v>[0-9]+\.[0-9]+\.[0-9]+)\x00Zstandard CLI"],
        "zstd",
        generic("zstd"),
    ),
    c(
        &["fluent-bit"],
        &[r"(?-u)\x00(?P<v>[0-9]+\.[0-9]+\.[0-9]+)\x00+(?:%s)?Fluent Bit v%s"],
        "fluent-bit",
        PurlShape {
            ty: "github",
            namespace: Some("fluent"),
            name: "fluent-bit",
        },
    ),
    s(
        &["consul"],
        &[
            r"(?-u)CONSUL_VERSION: (?P<v>[0-9]+\.[0-9]+\.[0-9]+)",
            r"(?-u)consul/version\.GitDescribe=v?(?P<v>[0-9]+\.[0-9]+\.[0-9]+)",
        ],
        "consul",
        PurlShape {
            ty: "golang",
            namespace: Some("github.com/hashicorp"),
            name: "consul",
        },
        "HashiCorp",
    ),
    c(
        &["helm"],
        &[r"(?-u)\x00v(?P<v>[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.]+)?)\x00"],
        "helm",
        PurlShape {
            ty: "golang",
            namespace: Some("helm.sh"),
            name: "helm",
        },
    ),
    // Classifiers syft added after 1.18.1 (not in the baseline; checked against the snippets'
    // folder names in the tests).
    c(
        &["redis-server"],
        &[
            r"(?-u)Redis version (?P<v>[0-9]+\.[0-9]+\.[0-9]+)",
            r"(?-u)[^0-9.](?P<v>[0-9]+\.[0-9]+\.[0-9]+)(?:[0-9a-f]{12}|buildkitsandbox)-[0-9]{10}",
        ],
        "redis",
        generic("redis"),
    ),
    c(
        &["valkey-server"],
        &[r"(?-u)\x00valkey(?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "valkey",
        generic("valkey"),
    ),
    c(
        &["bun"],
        &[r"(?-u)Bun v(?P<v>[0-9]+\.[0-9]+\.[0-9]+)"],
        "bun",
        generic("bun"),
    ),
    c(
        &["ffmpeg", "libavcodec*"],
        &[
            r"(?-u)%s version (?P<v>[0-9]+\.[0-9]+(?:\.[0-9]+)?)",
            r"(?-u)FFmpeg version (?P<v>[0-9]+\.[0-9]+(?:\.[0-9]+)?)",
        ],
        "ffmpeg",
        generic("ffmpeg"),
    ),
    c(
        &["libkrb5.so*"],
        &[r"(?-u)KRB5_BRAND: krb5-(?P<v>[0-9]+\.[0-9]+(?:\.[0-9]+)?)-final"],
        "krb5",
        generic("krb5"),
    ),
    c(
        &["libkrb5.so*"],
        &[r"(?-u)\x00Heimdal (?P<v>[0-9]+\.[0-9]+\.[0-9]+)\x00"],
        "heimdal",
        generic("heimdal"),
    ),
    c(
        &["libQtCore.so*", "libQt5Core.so*", "libQt6Core.so*"],
        &[
            r"(?-u)\x00Qt (?P<v>[0-9]+\.[0-9]+\.[0-9]+) \(",
            r"(?-u)QtCore library version (?P<v>[0-9]+\.[0-9]+\.[0-9]+)",
        ],
        "qt",
        generic("qt"),
    ),
    c(
        &["ldapsearch", "ldapmodify", "ldapadd", "ldapdelete", "slapd"],
        &[r"(?-u)\$OpenLDAP: [a-z_]+ (?P<v>[0-9]+\.[0-9]+\.[0-9]+) "],
        "openldap",
        generic("openldap"),
    ),
    c(
        &["mongod"],
        &[r"(?-u)\x00(?P<v>[0-9]+\.[0-9]+\.[0-9]+)\x00(?:tcmalloc|heap_size|cppdefines)\x00"],
        "mongodb",
        generic("mongodb"),
    ),
    c(
        &["application.ini"],
        &[
            r"(?-u)(?s)\[App\][^\[]*?\nName=Firefox\r?\n[^\[]*?\nVersion=(?P<v>[0-9]+\.[0-9]+(?:\.[0-9]+)?(?:[ab][0-9]+)?)",
        ],
        "firefox",
        generic("firefox"),
    ),
];
