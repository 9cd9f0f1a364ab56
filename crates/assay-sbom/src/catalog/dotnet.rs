//! (placeholder: being written)

use assay_core::{FileTree, TreeEntry, TreePath};

use super::{Cataloger, Context, Found};

/// The dotnet cataloger.
#[derive(Debug, Clone, Copy)]
pub struct DotnetCataloger;

impl Cataloger for DotnetCataloger {
    fn name(&self) -> &'static str {
        "dotnet-cataloger"
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
