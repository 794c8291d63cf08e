//! The source files import each other without a cycle.
//!
//! A cycle between files (a.rs uses b.rs, which uses a.rs) makes the code harder to read in order
//! and to split up, so this test keeps the graph of files acyclic. The rules:
//!
//! - Nodes: the `.rs` files of a crate, found from its root (the library's `src/lib.rs`, and the
//!   program's `cli/src/lib.rs`, a crate with its own graph) by following `mod x;`.
//! - Edges: file A depends on file B when A names an item defined in B, in a `use` statement
//!   (`crate::`, `super::`, `self::`, a child module, braces nested or not) or in a path written in
//!   code (`crate::x::y`, `super::x`, `child::f`). Comments are skipped. `mod x;` is not a
//!   dependency, nor is a `pub use` (a re-export) in the file that writes it; but a name reached
//!   through a re-export leads to the file that defines it (`crate::Cancel` is in `spin.rs`).
//!   Paths that do not start in the crate (std, other crates, `Self`) and self-edges are ignored.
//! - Resolution: `crate` is the root, `super` the parent module, `self` the current one; a path
//!   goes down through modules to the deepest file, then its first other segment is an item of
//!   that file, or one of its `pub use` re-exports followed to where it leads. Inside an inline
//!   `mod tests { ... }`, `super` is the file itself, so `use super::*;` is no edge.
//!
//! Glob re-exports (`pub use x::*;`) are not followed: the crate has none.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

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
        let file = parse_file(module, &tokenize(&text));
        for child in &file.children {
            let path = child_file(&name, &file.module, child, read)
                .unwrap_or_else(|| panic!("{name} declares `mod {child};` but it has no file"));
            let mut child_module = file.module.clone();
            child_module.push(child.clone());
            pending.push((path, child_module));
        }
        krate.insert(name, file);
    }
    krate
}

/// Where `mod child;` in `parent` lives: `child.rs` or `child/mod.rs`, in the parent's
/// directory for a crate root or a `mod.rs`, else in a directory named after the parent.
fn child_file(
    parent: &str,
    parent_module: &[String],
    child: &str,
    read: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let (dir, file) = parent.rsplit_once('/').unwrap_or(("", parent));
    let dir = if parent_module.is_empty() || file == "mod.rs" {
        dir.to_string()
    } else {
        format!("{dir}/{}", file.trim_end_matches(".rs"))
    };
    let in_dir = |path: String| match dir.as_str() {
        "" => path,
        dir => format!("{dir}/{path}"),
    };
    [
        in_dir(format!("{child}.rs")),
        in_dir(format!("{child}/mod.rs")),
    ]
    .into_iter()
    .find(|path| read(path).is_some())
}

// ---------------------------------------------------------------------------------------------
// Tokens: just enough of Rust's lexer to find paths and skip comments and literals
// ---------------------------------------------------------------------------------------------

/// Splits source text into identifiers, `::` and single punctuation characters. Comments and
/// string and character literals are dropped, so that a path in them is not taken for code.
fn tokenize(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            // `//`, `///` and `//!` comments, whole lines or after code.
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            i = skip_block_comment(&chars, i);
        } else if c == '"' {
            i = skip_string(&chars, i + 1, 0);
        } else if c == '\'' && (at(i + 1) == '\\' || at(i + 2) == '\'') {
            // A character literal; a lifetime (`'a`) has no closing quote and is left alone.
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let hashes = chars[i..].iter().take_while(|&&c| c == '#').count();
            if (word == "r" || word == "br") && at(i + hashes) == '"' {
                // A raw string: `r"..."`, `r#"..."#` (but `r#type` is an identifier).
                i = skip_string(&chars, i + hashes + 1, hashes);
            } else {
                tokens.push(word);
            }
        } else if c == ':' && at(i + 1) == ':' {
            tokens.push("::".to_string());
            i += 2;
        } else {
            tokens.push(c.to_string());
            i += 1;
        }
    }
    tokens
}

/// Skips a string whose text starts at `i`, up to its closing quote and `hashes` `#` (a raw
/// string has no escapes, but then a `\` is never followed by its closing quote either).
fn skip_string(chars: &[char], mut i: usize, hashes: usize) -> usize {
    while i < chars.len() {
        if chars[i] == '\\' && hashes == 0 {
            i += 2;
        } else if chars[i] == '"'
            && chars[i + 1..].iter().take_while(|&&c| c == '#').count() >= hashes
        {
            return i + 1 + hashes;
        } else {
            i += 1;
        }
    }
    i
}

/// Skips a `/* ... */` comment starting at `i`; they nest.
fn skip_block_comment(chars: &[char], mut i: usize) -> usize {
    let mut depth = 0;
    while i + 1 < chars.len() {
        match (chars[i], chars[i + 1]) {
            ('/', '*') => depth += 1,
            ('*', '/') => depth -= 1,
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
        if depth == 0 {
            return i;
        }
    }
    chars.len()
}

// ---------------------------------------------------------------------------------------------
// Parsing: `mod` declarations, `use` statements and paths in code
// ---------------------------------------------------------------------------------------------

fn is_ident(token: &str) -> bool {
    token.starts_with(|c: char| c.is_alphabetic() || c == '_')
}

fn parse_file(module: ModulePath, tokens: &[String]) -> SourceFile {
    let mut file = SourceFile {
        module,
        children: Vec::new(),
        reexports: BTreeMap::new(),
        paths: Vec::new(),
    };
    let token = |i: usize| tokens.get(i).map_or("", String::as_str);
    // One entry per open brace: the name of an inline module (`mod tests {`), or `None`.
    let mut braces: Vec<Option<String>> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match token(i) {
            "{" => braces.push(None),
            "}" => {
                braces.pop();
            }
            "mod" if is_ident(token(i + 1)) && token(i + 2) == ";" => {
                file.children.push(token(i + 1).to_string());
                i += 2;
            }
            "mod" if is_ident(token(i + 1)) && token(i + 2) == "{" => {
                braces.push(Some(token(i + 1).to_string()));
                i += 2;
            }
            // `use<'a>` is precise capturing in an `impl Trait`, not an import.
            "use" if token(i + 1) != "<" => {
                let public = is_pub_use(tokens, i);
                let mut leaves = Vec::new();
                i += 1;
                use_tree(tokens, &mut i, Vec::new(), &mut leaves);
                if public {
                    // A re-export is not a dependency here, but a way to the defining file.
                    for (path, name) in leaves {
                        file.reexports.insert(name, path);
                    }
                } else {
                    let module = current_module(&file.module, &braces);
                    file.paths
                        .extend(leaves.into_iter().map(|(path, _)| (module.clone(), path)));
                }
                continue;
            }
            word if is_ident(word) && token(i + 1) == "::" && (i == 0 || token(i - 1) != "::") => {
                let path = code_path(tokens, &mut i);
                file.paths
                    .push((current_module(&file.module, &braces), path));
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    file
}

/// The module at this point of the file: the file's own, then the inline modules we are in.
fn current_module(file_module: &[String], braces: &[Option<String>]) -> ModulePath {
    let inline = braces.iter().flatten();
    file_module.iter().chain(inline).cloned().collect()
}

/// Reads a path in code, `a::b::c`, from `i`, leaving `i` after it.
fn code_path(tokens: &[String], i: &mut usize) -> Vec<String> {
    let mut path = vec![tokens[*i].clone()];
    *i += 1;
    while tokens.get(*i).is_some_and(|t| t == "::")
        && tokens.get(*i + 1).is_some_and(|t| is_ident(t))
    {
        path.push(tokens[*i + 1].clone());
        *i += 2;
    }
    path
}

/// Reads a use tree (`a::b`, `a::{b, c::{d, e}}`, `a::*`, `a as b`) from `i` into `leaves`, each
/// a full path and the name it brings in; `i` is left after the tree.
fn use_tree(
    tokens: &[String],
    i: &mut usize,
    mut prefix: Vec<String>,
    leaves: &mut Vec<(Vec<String>, String)>,
) {
    let token = |i: usize| tokens.get(i).map_or("", String::as_str);
    loop {
        match token(*i) {
            "::" => *i += 1, // A leading `::`, or the one before a `{` or a `*`.
            "{" => {
                *i += 1;
                while !matches!(token(*i), "}" | "") {
                    use_tree(tokens, i, prefix.clone(), leaves);
                    if token(*i) == "," {
                        *i += 1;
                    }
                }
                *i += 1;
                return;
            }
            "*" => {
                *i += 1;
                prefix.push("*".to_string());
                leaves.push((prefix, "*".to_string()));
                return;
            }
            word if is_ident(word) && word != "as" => {
                prefix.push(word.to_string());
                *i += 1;
                if token(*i) == "::" {
                    continue;
                }
                // The name brought in: an alias, else the last segment (the module's for `self`).
                let mut name = match prefix.as_slice() {
                    [.., module, last] if last == "self" => module.clone(),
                    [.., last] => last.clone(),
                    [] => unreachable!(),
                };
                if token(*i) == "as" {
                    name = token(*i + 1).to_string();
                    *i += 2;
                }
                leaves.push((prefix, name));
                return;
            }
            // `;`, `,`, `}` or the end: the tree is over.
            _ => return,
        }
    }
}

/// Whether the `use` at `i` is public: `pub use`, `pub(crate) use`, `pub(in path) use`.
fn is_pub_use(tokens: &[String], i: usize) -> bool {
    match i.checked_sub(1).map(|j| tokens[j].as_str()) {
        Some("pub") => true,
        Some(")") => {
            let open = (0..i).rev().find(|&j| tokens[j] == "(");
            open.is_some_and(|j| j > 0 && tokens[j - 1] == "pub")
        }
        _ => false,
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
