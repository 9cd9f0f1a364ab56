//! (placeholder: being written)

use assay_core::{FileTree, TreeEntry, TreePath};

use super::{Cataloger, Context, Found};

/// The ruby cataloger.
#[derive(Debug, Clone, Copy)]
pub struct RubyCataloger;

impl Cataloger for RubyCataloger {
    fn name(&self) -> &'static str {
        "ruby-cataloger"
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
