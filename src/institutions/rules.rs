//! Pure decisions about the institution tree.

/// The path of a child of the institution at `parent_path` (or of a root when `None`).
pub fn child_path(parent_path: Option<&str>, id: &str) -> String {
    format!("{}{id}/", parent_path.unwrap_or("/"))
}

/// An institution may not be moved under itself or under one of its own descendants.
pub fn creates_cycle(own_path: &str, new_parent_path: &str) -> bool {
    new_parent_path.starts_with(own_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_cycles() {
        let root = child_path(None, "a");
        assert_eq!(root, "/a/");
        let child = child_path(Some(&root), "b");
        assert_eq!(child, "/a/b/");
        let grandchild = child_path(Some(&child), "c");
        assert!(creates_cycle(&root, &grandchild));
        assert!(creates_cycle(&child, &child));
        assert!(!creates_cycle(&child, &root));
        assert!(!creates_cycle("/a/b/", "/a/bc/"));
    }
}
