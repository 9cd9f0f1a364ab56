//! (placeholder: being written)

use assay_core::{FileTree, TreeEntry, TreePath};

use super::{Cataloger, Context, Found};

/// The python_lock cataloger.
#[derive(Debug, Clone, Copy)]
pub struct PythonLockCataloger;

impl Cataloger for PythonLockCataloger {
    fn name(&self) -> &'static str {
        "python-lock-cataloger"
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
