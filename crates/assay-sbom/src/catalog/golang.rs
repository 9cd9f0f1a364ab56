//! (placeholder: being written)

use assay_core::{FileTree, TreeEntry, TreePath};

use super::{Cataloger, Context, Found};

/// The golang cataloger.
#[derive(Debug, Clone, Copy)]
pub struct GoCataloger;

impl Cataloger for GoCataloger {
    fn name(&self) -> &'static str {
        "go-module-cataloger"
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
