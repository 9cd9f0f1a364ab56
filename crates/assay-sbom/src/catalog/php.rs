//! (placeholder: being written)

use assay_core::{FileTree, TreeEntry, TreePath};

use super::{Cataloger, Context, Found};

/// The php cataloger.
#[derive(Debug, Clone, Copy)]
pub struct PhpCataloger;

impl Cataloger for PhpCataloger {
    fn name(&self) -> &'static str {
        "php-composer-cataloger"
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
