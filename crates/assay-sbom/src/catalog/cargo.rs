//! (placeholder: being written)

use assay_core::{FileTree, TreeEntry, TreePath};

use super::{Cataloger, Context, Found};

/// The cargo cataloger.
#[derive(Debug, Clone, Copy)]
pub struct CargoCataloger;

impl Cataloger for CargoCataloger {
    fn name(&self) -> &'static str {
        "rust-cargo-lock-cataloger"
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
