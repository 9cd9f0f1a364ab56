//! The key-provider seam: [`KeySource`] hands out [`Signer`]s, so callers do not care whether
//! a key sits in a file, in memory or (later) in a KMS or HSM.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::pem::MAX_PEM_LEN;
use super::{KeyError, SigningKey, VerifyingKey};

/// Something that signs bytes with one key.
pub trait Signer: Send + Sync {
    /// Signs `msg` (see [`SigningKey::sign`] for the encodings).
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError>;
    /// The public key that verifies this signer's signatures.
    fn public_key(&self) -> VerifyingKey;
}

/// A place signers come from.
pub trait KeySource: Send + Sync {
    /// Loads (or connects to) the key and returns a signer for it.
    fn signer(&self) -> Result<Box<dyn Signer>, KeyError>;
}

impl Signer for SigningKey {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        SigningKey::sign(self, msg)
    }

    fn public_key(&self) -> VerifyingKey {
        self.verifying_key()
    }
}

impl KeySource for SigningKey {
    fn signer(&self) -> Result<Box<dyn Signer>, KeyError> {
        Ok(Box::new(self.clone()))
    }
}

/// A key read from a PEM file each time a signer is asked for (any format
/// [`SigningKey::from_pem`] reads; encrypted files need the password).
pub struct FileKeySource {
    path: PathBuf,
    password: Option<Zeroizing<Vec<u8>>>,
}

impl FileKeySource {
    /// A source for the key file at `path`.
    pub fn new(path: impl Into<PathBuf>, password: Option<&[u8]>) -> Self {
        Self {
            path: path.into(),
            password: password.map(|p| Zeroizing::new(p.to_vec())),
        }
    }

    /// The key file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads and decodes the key.
    pub fn load(&self) -> Result<SigningKey, KeyError> {
        let text = read_key_file(&self.path)?;
        SigningKey::from_pem(&text, self.password.as_deref().map(Vec::as_slice)).map_err(|e| {
            KeyError::InFile {
                path: self.path.clone(),
                source: Box::new(e),
            }
        })
    }
}

impl KeySource for FileKeySource {
    fn signer(&self) -> Result<Box<dyn Signer>, KeyError> {
        Ok(Box::new(self.load()?))
    }
}

/// Reads at most [`MAX_PEM_LEN`] + 1 bytes, so an oversized file is refused by the PEM decoder
/// without being read whole. Errors carry the path.
fn read_key_file(path: &Path) -> Result<Zeroizing<String>, KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_owned(),
        source,
    };
    let file = fs_err::File::open(path).map_err(io)?;
    let mut text = Zeroizing::new(String::new());
    let limit = u64::try_from(MAX_PEM_LEN)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    file.take(limit).read_to_string(&mut text).map_err(io)?;
    Ok(text)
}

impl std::fmt::Debug for FileKeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileKeySource")
            .field("path", &self.path)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}
