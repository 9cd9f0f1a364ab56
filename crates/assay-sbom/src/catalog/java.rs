//! (placeholder: being written)

use assay_core::{FileTree, TreeEntry, TreePath};

use super::{Cataloger, Context, Found};

/// The java cataloger.
#[derive(Debug, Clone, Copy)]
pub struct JavaCataloger;

impl Cataloger for JavaCataloger {
    fn name(&self) -> &'static str {
        "java-archive-cataloger"
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
