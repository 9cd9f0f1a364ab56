//! (placeholder: being written)

use assay_core::{FileTree, TreeEntry, TreePath};

use super::{Cataloger, Context, Found};

/// The rust_binary cataloger.
#[derive(Debug, Clone, Copy)]
pub struct RustBinaryCataloger;

impl Cataloger for RustBinaryCataloger {
    fn name(&self) -> &'static str {
        "cargo-auditable-binary-cataloger"
    }

    fn wants(&self, _path: &TreePath) -> bool {
        false
    }

    fn catalog(
        &self,
        _tree: &dyn FileTree,
        _files: &[&TreeEntry],
        _ctx: &Context,
        _out: &mut Found,
    ) {
    }
}
