//! The source files import each other without a cycle.
//!
//! A cycle between files (a.rs uses b.rs, which uses a.rs) makes the code harder to read in order
//! and to split up, so this test keeps the graph of files acyclic. The rules:
//!
//! - Nodes: the `.rs` files of a crate, found from its root (the library's `src/lib.rs`, and the
//!   program's `cli/src/lib.rs`, a crate with its own graph) by following `mod x;` (written bare or
//!   in a macro called with items, as `unix! { mod x; }`).
//! - Edges: file A depends on file B when A names an item defined in B, in a `use` statement
//!   (`crate::`, `super::`, `self::`, a child module, braces nested or not) or in a path written in
//!   code (`crate::x::y`, `super::x`, `child::f`), macro arguments included. Files are parsed with
//!   `syn`, so comments and literals are never taken for code. `mod x;` is not a
//!   dependency, nor is a `pub use` (a re-export) in the file that writes it; but a name reached
//!   through a re-export leads to the file that defines it (`crate::lesson::Cancel` is in `lesson/spin.rs`).
//!   Paths that do not start in the crate (std, other crates, `Self`) and self-edges are ignored.
//! - Resolution: `crate` is the root, `super` the parent module, `self` the current one; a path
//!   goes down through modules to the deepest file, then its first other segment is an item of
//!   that file, or one of its `pub use` re-exports followed to where it leads. Inside an inline
//!   `mod tests { ... }`, `super` is the file itself, so `use super::*;` is no edge.
//!
//! Glob re-exports (`pub use x::*;`) are not followed: the crate has none.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use syn::visit::{self, Visit};
use syn::{Item, ItemMod, ItemUse, Macro, UseTree, Visibility};

/// A graph of files: each file (a path under `src/`) and the files it depends on.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// A module path from the crate root: `["demo", "jobs"]` for `crate::demo::jobs`.
type ModulePath = Vec<String>;

#[test]
fn no_import_cycle_between_files() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (src, min_files, min_edges) in [("src", 15, 25), ("cli/src", 20, 30)] {
        let src = workspace.join(src);
        let read = |path: &str| std::fs::read_to_string(src.join(path)).ok();
        let root = "lib.rs";
        let graph = file_graph(root, &read);
        let edges: usize = graph.values().map(BTreeSet::len).sum();
        println!("{}: {} files, {edges} edges", src.display(), graph.len());
        // A parser that sees nothing finds no cycle either: make sure it saw the crate.
        assert!(
            graph.len() >= min_files && edges >= min_edges,
            "{}: only {} files and {edges} edges found; is the parser broken?\n{graph:#?}",
            src.display(),
            graph.len()
        );
        let cycles = find_cycles(&graph);
        assert!(
            cycles.is_empty(),
            "import cycles between the files of {}:\n{}",
            src.display(),
            cycles.join("\n")
        );
    }
}

/// The check itself can fail: a made-up crate whose two files use each other, one of them
/// through a re-export in the root and a path in code.
#[test]
fn a_made_up_cycle_is_found() {
    let sources = BTreeMap::from([
        ("lib.rs", "mod a;\nmod b;\n\npub use a::Alpha;\n"),
        ("a.rs", "use crate::b::beta;\n\npub struct Alpha;\n"),
        (
            "b.rs",
            "// crate::nothing here\npub fn beta() -> crate::Alpha {\n    crate::Alpha\n}\n",
        ),
    ]);
    let read = |path: &str| sources.get(path).map(|text| text.to_string());

    let graph = file_graph("lib.rs", &read);

    assert_eq!(find_cycles(&graph), ["a.rs -> b.rs -> a.rs"]);
    // The root only declares and re-exports: no edge of its own.
    assert!(graph["lib.rs"].is_empty(), "{graph:#?}");
}

// ---------------------------------------------------------------------------------------------
// Reading the files of a crate
// ---------------------------------------------------------------------------------------------

/// One source file, as far as the graph needs it.
#[derive(Debug)]
struct SourceFile {
    /// The file's module path: `[]` for the root, `["demo", "jobs"]` for `demo/jobs/mod.rs`.
    module: ModulePath,
    /// Child modules declared with `mod x;`.
    children: Vec<String>,
    /// `pub use` re-exports: the name they export and the path it comes from.
    reexports: BTreeMap<String, Vec<String>>,
    /// Every other path the file names, with the module (inline ones included) it appears in.
    paths: Vec<(ModulePath, Vec<String>)>,
}

/// A crate's files, keyed by their path under `src/`.
type Crate = BTreeMap<String, SourceFile>;

/// Reads the crate from `root`, following `mod x;` declarations, and builds its file graph.
/// `read` gives a file's text from its path under `src/` (the disk, or memory in a test).
fn file_graph(root: &str, read: &dyn Fn(&str) -> Option<String>) -> Graph {
    let krate = read_crate(root, read);
    let mut graph = Graph::new();
    for (name, file) in &krate {
        let targets = file
            .paths
            .iter()
            .filter_map(|(module, path)| resolve(&krate, module, path));
        let deps = targets.filter(|target| target != name).collect();
        graph.insert(name.clone(), deps);
    }
    graph
}

fn read_crate(root: &str, read: &dyn Fn(&str) -> Option<String>) -> Crate {
    let mut krate = Crate::new();
    let mut pending = vec![(root.to_string(), ModulePath::new())];
    while let Some((name, module)) = pending.pop() {
        let text = read(&name).unwrap_or_else(|| panic!("cannot read {name}"));
        let file = parse_file(module, &text, &name);
        for child in &file.children {
            let path = child_file(&name, child, read)
                .unwrap_or_else(|| panic!("{name} declares `mod {child};` but it has no file"));
            let mut child_module = file.module.clone();
            child_module.push(child.clone());
            pending.push((path, child_module));
        }
        krate.insert(name, file);
    }
    krate
}

/// Where `mod child;` in `parent` lives: `child.rs` or `child/mod.rs`, beside the crate root
/// (`lib.rs`) or a `mod.rs`, else in a directory named after the parent (`a.rs`: `a/child.rs`).
fn child_file(parent: &str, child: &str, read: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let dir = match parent
        .strip_suffix("lib.rs")
        .or(parent.strip_suffix("mod.rs"))
    {
        Some(dir) => dir.to_string(),
        None => format!("{}/", parent.trim_end_matches(".rs")),
    };
    [format!("{dir}{child}.rs"), format!("{dir}{child}/mod.rs")]
        .into_iter()
        .find(|path| read(path).is_some())
}

// ---------------------------------------------------------------------------------------------
// Parsing: `mod` declarations, `use` items and paths in code
// ---------------------------------------------------------------------------------------------

fn parse_file(module: ModulePath, text: &str, name: &str) -> SourceFile {
    let syntax = syn::parse_file(text).unwrap_or_else(|err| panic!("{name}: {err}"));
    let mut file = SourceFile {
        module: module.clone(),
        children: Vec::new(),
        reexports: BTreeMap::new(),
        paths: Vec::new(),
    };
    let mut visitor = Paths {
        module,
        file: &mut file,
    };
    visitor.visit_file(&syntax);
    file
}

/// Walks a file's syntax tree, keeping the module it is in (inline ones included).
struct Paths<'a> {
    module: ModulePath,
    file: &'a mut SourceFile,
}

impl<'ast> Visit<'ast> for Paths<'_> {
    fn visit_item_mod(&mut self, item: &'ast ItemMod) {
        let name = item.ident.to_string();
        match &item.content {
            None => self.file.children.push(name),
            Some((_, items)) => {
                self.module.push(name);
                items.iter().for_each(|item: &Item| self.visit_item(item));
                self.module.pop();
            }
        }
    }

    fn visit_item_use(&mut self, item: &'ast ItemUse) {
        let mut leaves = Vec::new();
        use_tree(&item.tree, Vec::new(), &mut leaves);
        if matches!(item.vis, Visibility::Inherited) {
            let module = &self.module;
            let paths = leaves.into_iter().map(|(path, _)| (module.clone(), path));
            self.file.paths.extend(paths);
        } else {
            // A re-export is not a dependency here, but a way to the defining file.
            for (path, name) in leaves {
                self.file.reexports.insert(name, path);
            }
        }
    }

    /// `a::b` in code; one segment (`x`, `crate` in `pub(crate)`) names nothing in another file.
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.segments.len() > 1 {
            let segments = path.segments.iter().map(|s| s.ident.to_string());
            let module = self.module.clone();
            self.file.paths.push((module, segments.collect()));
        }
        visit::visit_path(self, path);
    }

    /// A macro called with items (`unix! { mod a; pub use a::A; }`): its items, as if written bare.
    fn visit_item_macro(&mut self, item: &'ast syn::ItemMacro) {
        match syn::parse2::<syn::File>(item.mac.tokens.clone()) {
            Ok(items) => items.items.iter().for_each(|item| self.visit_item(item)),
            Err(_) => visit::visit_item_macro(self, item),
        }
    }

    /// A macro's arguments are tokens, not syntax: every `a::b::c` among them is a path.
    fn visit_macro(&mut self, mac: &'ast Macro) {
        let mut tokens = Vec::new();
        flatten(mac.tokens.clone(), &mut tokens);
        let word = |at: usize| tokens.get(at).filter(|t| *t != "::" && *t != ".");
        for at in 0..tokens.len() {
            if word(at).is_none() || (at > 0 && tokens[at - 1] == "::") {
                continue;
            }
            let mut path = vec![tokens[at].clone()];
            while tokens
                .get(at + 2 * path.len() - 1)
                .is_some_and(|t| t == "::")
            {
                let Some(next) = word(at + 2 * path.len()) else {
                    break;
                };
                path.push(next.clone());
            }
            if path.len() > 1 {
                self.file.paths.push((self.module.clone(), path));
            }
        }
        visit::visit_macro(self, mac);
    }
}

/// A macro's tokens as identifiers, `::` and other punctuation, groups opened up.
fn flatten(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            proc_macro2::TokenTree::Group(group) => flatten(group.stream(), out),
            proc_macro2::TokenTree::Ident(ident) => out.push(ident.to_string()),
            proc_macro2::TokenTree::Punct(punct) if punct.as_char() == ':' => {
                if tokens.next_if(|next| matches!(next, proc_macro2::TokenTree::Punct(p) if p.as_char() == ':')).is_some() {
                    out.push("::".to_string());
                }
            }
            _ => out.push(".".to_string()),
        }
    }
}

/// A use tree (`a::b`, `a::{b, c::{d, e}}`, `a::*`, `a as b`) as its leaves, each a full path and
/// the name it brings in.
fn use_tree(tree: &UseTree, mut prefix: Vec<String>, leaves: &mut Vec<(Vec<String>, String)>) {
    match tree {
        UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            use_tree(&path.tree, prefix, leaves);
        }
        UseTree::Name(name) => {
            // The name brought in: the last segment, or the module's for `self`.
            let name = name.ident.to_string();
            let brought = match name.as_str() {
                "self" => prefix.last().cloned().unwrap_or_default(),
                _ => name.clone(),
            };
            prefix.push(name);
            leaves.push((prefix, brought));
        }
        UseTree::Rename(rename) => {
            prefix.push(rename.ident.to_string());
            leaves.push((prefix, rename.rename.to_string()));
        }
        UseTree::Glob(_) => {
            prefix.push("*".to_string());
            leaves.push((prefix, "*".to_string()));
        }
        UseTree::Group(group) => {
            for tree in &group.items {
                use_tree(tree, prefix.clone(), leaves);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Resolution: from a path to the file that defines what it names
// ---------------------------------------------------------------------------------------------

/// The file that the path names an item of, written in `module`; `None` for a path that does
/// not start in this crate.
fn resolve(krate: &Crate, module: &[String], path: &[String]) -> Option<String> {
    resolve_within(krate, module, path, 0)
}

fn resolve_within(
    krate: &Crate,
    module: &[String],
    path: &[String],
    depth: usize,
) -> Option<String> {
    // Where the path starts.
    let mut base: ModulePath = module.to_vec();
    let mut rest = path;
    match path.first()?.as_str() {
        "crate" => {
            base.clear();
            rest = &path[1..];
        }
        "self" => rest = &path[1..],
        "super" => {
            while rest.first().is_some_and(|s| s == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        // A child module of the file (in a test module too, brought in by `use super::*`).
        first => {
            base = file_module(krate, module)?;
            base.push(first.to_string());
            if !is_file_module(krate, &base) {
                return None;
            }
            base.pop();
        }
    }
    // Down through the modules, as far as they have files.
    while let Some(segment) = rest.first() {
        let mut deeper = base.clone();
        deeper.push(segment.clone());
        if is_file_module(krate, &deeper) {
            base = deeper;
        } else if segment != "self" {
            break; // `self` (in `use a::{self, B}`) stays in the module.
        }
        rest = &rest[1..];
    }
    let file_path = file_module(krate, &base)?;
    let (name, file) = krate.iter().find(|(_, file)| file.module == file_path)?;
    // An item of that file, unless it is a re-export: then where the re-export leads.
    let item = rest.first().filter(|item| *item != "*");
    match item.and_then(|item| file.reexports.get(item)) {
        Some(target) if depth < 16 => resolve_within(krate, &file.module, target, depth + 1),
        _ => Some(name.clone()),
    }
}

/// The deepest module of `module` that has a file: drops inline modules (`tests`).
fn file_module(krate: &Crate, module: &[String]) -> Option<ModulePath> {
    (0..=module.len())
        .rev()
        .map(|n| module[..n].to_vec())
        .find(|m| is_file_module(krate, m))
}

fn is_file_module(krate: &Crate, module: &[String]) -> bool {
    krate.values().any(|file| file.module == module)
}

// ---------------------------------------------------------------------------------------------
// Cycles
// ---------------------------------------------------------------------------------------------

/// The cycles a depth-first search meets, each as `a.rs -> b.rs -> a.rs`: one per edge back to
/// a file still on the search's path. Empty if and only if the graph has no cycle.
fn find_cycles(graph: &Graph) -> Vec<String> {
    let mut done = BTreeSet::new();
    let mut cycles = Vec::new();
    for start in graph.keys() {
        visit(graph, start, &mut Vec::new(), &mut done, &mut cycles);
    }
    cycles
}

fn visit<'a>(
    graph: &'a Graph,
    file: &'a str,
    path: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
    cycles: &mut Vec<String>,
) {
    if done.contains(file) {
        return;
    }
    if let Some(at) = path.iter().position(|&f| f == file) {
        let mut cycle = path[at..].to_vec();
        cycle.push(file);
        cycles.push(cycle.join(" -> "));
        return;
    }
    path.push(file);
    for dep in &graph[file] {
        visit(graph, dep, path, done, cycles);
    }
    path.pop();
    done.insert(file);
}
