//! No import cycles between the modules of any crate in the repository: every hand-written
//! crate (codegen, runtime, mock, cli-runtime, xtask, tests and the rest) and every checked-in
//! generated crate under `generated/`, each library, binary, test, bench and example target.
//!
//! The graph, per crate target: a node is a module file (inline modules, such as
//! `mod tests { .. }`, belong to their file); module `a` has an edge to module `b` when code in
//! `a` names a path into `b`. The tree of modules comes from the `mod` declarations followed
//! from the target's root (with `#[path]`), so nothing outside the crate is read. Files are
//! parsed with `syn`, so comments and string literals are never read as paths. A path counts
//! when it starts with `crate`, `$crate`, `self`, `super`, or the name of a child module of
//! the module it is written in (`server::files(..)` in `emit/mod.rs`), in any position:
//! `use` declarations (groups such as `use crate::{a::b, c}`, globs, renames; also inside
//! function bodies) and paths in types and expressions. It is resolved to the deepest module
//! that exists, which is the module it points into (a re-export counts where it is named,
//! as the compiler sees it). Not counted:
//!
//! - a path to the module itself or to one of its ancestors (a child naming its parent's
//!   items is what nesting is for);
//! - a `mod` declaration: it makes the tree, it does not import (the parent's `pub use` of a
//!   child's items does count);
//! - the bodies of quasi-quoting macros (`quote!`, `quote_spanned!`, `parse_quote!`,
//!   `parse_quote_spanned!`): they are code of another crate, the generated one. Every other
//!   macro invocation is looked inside (`matches!(t, crate::ir::Type::Unit)`,
//!   `format!("{}", crate::naming::x(..))` and `macro_rules!` bodies with `$crate` are code of
//!   this crate).
//!
//! Each strongly connected component of more than one module is a cycle: the test prints its
//! modules, one cycle through them with the path that makes each edge, the other edges between
//! them, and fails. A cycle that
//! cannot be removed goes in [`ALLOWED`] with its reason; an entry that no longer matches a
//! cycle fails the test too, so the list never goes stale.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Cycles known and accepted: (crate target as printed, its modules in sorted order, why).
/// Empty: there is no cycle to accept.
const ALLOWED: &[(&str, &[&str], &str)] = &[];

/// Macros whose bodies are generated code (another crate's paths), not this crate's.
const QUASI_QUOTES: &[&str] = &["quote", "quote_spanned", "parse_quote", "parse_quote_spanned"];

/// A module path inside a crate, `[]` for the root.
type ModPath = Vec<String>;

/// One crate target: its module files and the paths each one names.
#[derive(Debug, Default)]
struct CrateGraph {
    /// How the target is printed: package folder and root file.
    name: String,
    /// Module files, by index: (module path, file).
    files: Vec<(ModPath, PathBuf)>,
    /// Every module (inline ones too) and the file it is in.
    modules: BTreeMap<ModPath, usize>,
    /// Token streams to scan: (file, the module they are written in, tokens).
    code: Vec<(usize, ModPath, TokenStream)>,
    /// Problems loading the tree (a `mod` without a file, a file that does not parse).
    errors: Vec<String>,
}

impl CrateGraph {
    /// Loads the target whose root file is `root`, following its `mod` declarations.
    fn load(name: String, root: &Path) -> Self {
        let mut graph = CrateGraph { name, ..Default::default() };
        graph.load_file(root, Vec::new(), true);
        graph
    }

    /// Loads module file `file` as module `path`; `mod_rs`: a root or `mod.rs`, whose child
    /// files are beside it (else in a folder named after it).
    fn load_file(&mut self, file: &Path, path: ModPath, mod_rs: bool) {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => return self.errors.push(format!("{}: {e}", file.display())),
        };
        let parsed = match syn::parse_file(&text) {
            Ok(parsed) => parsed,
            Err(e) => return self.errors.push(format!("{}: not Rust that syn parses: {e}", file.display())),
        };
        let index = self.files.len();
        self.files.push((path.clone(), file.to_path_buf()));
        self.modules.insert(path.clone(), index);
        let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
        let children = if mod_rs { dir.clone() } else { dir.join(file.file_stem().unwrap_or_default()) };
        self.load_items(index, &parsed.items, &path, &dir, &children, false);
    }

    /// Registers the items of module `path` (in file `index`): inline and file modules, and
    /// the code to scan. `children`: where its child module files are; `dir`: the folder of the
    /// file, which `#[path]` is relative to outside inline modules.
    fn load_items(&mut self, index: usize, items: &[syn::Item], path: &ModPath, dir: &Path, children: &Path, inline: bool) {
        for item in items {
            let syn::Item::Mod(m) = item else {
                self.code.push((index, path.clone(), item.to_token_stream()));
                continue;
            };
            let name = m.ident.unraw_string();
            let mut child = path.clone();
            child.push(name.clone());
            let path_attr = m.attrs.iter().find(|a| a.path().is_ident("path")).and_then(|a| match &a.meta {
                syn::Meta::NameValue(syn::MetaNameValue { value: syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }), .. }) => {
                    Some(s.value())
                }
                _ => None,
            });
            match &m.content {
                Some((_, inner)) => {
                    self.modules.insert(child.clone(), index);
                    let nested = match &path_attr {
                        Some(p) => children.join(p),
                        None => children.join(&name),
                    };
                    self.load_items(index, inner, &child, dir, &nested, true);
                }
                None => {
                    let (file, mod_rs) = match path_attr {
                        // Outside inline modules `#[path]` is relative to the file's folder.
                        Some(p) if !inline => (dir.join(&p), p.ends_with("mod.rs")),
                        Some(p) => (children.join(&p), p.ends_with("mod.rs")),
                        None => {
                            let flat = children.join(format!("{name}.rs"));
                            if flat.exists() {
                                (flat, false)
                            } else {
                                (children.join(&name).join("mod.rs"), true)
                            }
                        }
                    };
                    if file.exists() {
                        self.load_file(&file, child, mod_rs);
                    } else {
                        self.errors.push(format!("module `{}` declared in {} has no file {}", child.join("::"), self.files[index].1.display(), file.display()));
                    }
                }
            }
        }
    }

    /// The edges: (from file, to file) with the first path that makes each.
    fn edges(&self) -> BTreeMap<(usize, usize), String> {
        let mut edges = BTreeMap::new();
        for (index, path, tokens) in &self.code {
            let mut found = Vec::new();
            scan(tokens.clone(), path, &self.modules, &mut found);
            let from = &self.files[*index].0;
            for (target, text) in found {
                let to = self.modules[&target];
                let to_path = &self.files[to].0;
                // A module's own file, or an ancestor's: not an import between modules.
                if to == *index || from.starts_with(to_path) {
                    continue;
                }
                edges.entry((*index, to)).or_insert(text);
            }
        }
        edges
    }

    /// The printed name of module file `index`.
    fn module_name(&self, index: usize) -> String {
        let path = &self.files[index].0;
        if path.is_empty() {
            "crate".to_string()
        } else {
            path.join("::")
        }
    }
}

/// Finds the paths into this crate's modules in `tokens`, written in module `ctx`: pushes
/// (module pointed into, the path as written).
fn scan(tokens: TokenStream, ctx: &ModPath, modules: &BTreeMap<ModPath, usize>, found: &mut Vec<(ModPath, String)>) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tts.len() {
        match &tts[i] {
            TokenTree::Group(g) => {
                let quasi_quote = i >= 2
                    && is_punct(&tts[i - 1], '!')
                    && matches!(&tts[i - 2], TokenTree::Ident(id) if QUASI_QUOTES.contains(&id.to_string().as_str()));
                if !quasi_quote {
                    scan(g.stream(), ctx, modules, found);
                }
                i += 1;
            }
            TokenTree::Ident(id) if id == "use" && !follows_path_separator(&tts, i) => {
                let end = (i..tts.len()).find(|&j| is_punct(&tts[j], ';')).unwrap_or(tts.len());
                let decl: TokenStream = tts[i..(end + 1).min(tts.len())].iter().cloned().collect();
                match syn::parse2::<syn::ItemUse>(decl) {
                    Ok(item) => {
                        if item.leading_colon.is_none() {
                            let mut leaves = Vec::new();
                            use_leaves(&item.tree, Vec::new(), &mut leaves);
                            for leaf in leaves {
                                let text = format!("use {}", leaf.join("::"));
                                if let Some(target) = resolve(&leaf, ctx, modules) {
                                    found.push((target, text));
                                }
                            }
                        }
                        i = end + 1;
                    }
                    // Not a `use` declaration (a macro pattern, say): read on token by token.
                    Err(_) => i += 1,
                }
            }
            _ => match path_at(&tts, i, ctx, modules) {
                Some((segments, next)) => {
                    if let Some(target) = resolve(&segments, ctx, modules) {
                        found.push((target, segments.join("::")));
                    }
                    i = next;
                }
                None => i += 1,
            },
        }
    }
}

fn is_punct(tt: &TokenTree, c: char) -> bool {
    matches!(tt, TokenTree::Punct(p) if p.as_char() == c)
}

/// Whether `tts[i]` follows `::` or `.` (it is not the start of a path).
fn follows_path_separator(tts: &[TokenTree], i: usize) -> bool {
    (i >= 2 && is_punct(&tts[i - 1], ':') && is_punct(&tts[i - 2], ':')) || (i >= 1 && is_punct(&tts[i - 1], '.'))
}

/// Whether `tts[i]` and `tts[i + 1]` are `::`.
fn separator_at(tts: &[TokenTree], i: usize) -> bool {
    i + 1 < tts.len() && is_punct(&tts[i], ':') && is_punct(&tts[i + 1], ':')
}

/// The path starting at `tts[i]`, if one that may point into this crate starts there:
/// `crate::..`, `$crate::..`, `self::..`, `super::..` or `<child module>::..`. Returns its
/// identifier segments and the index after it.
fn path_at(tts: &[TokenTree], i: usize, ctx: &ModPath, modules: &BTreeMap<ModPath, usize>) -> Option<(Vec<String>, usize)> {
    let (first, mut j) = match &tts[i] {
        TokenTree::Punct(p) if p.as_char() == '$' => match tts.get(i + 1) {
            Some(TokenTree::Ident(id)) if id == "crate" => ("crate".to_string(), i + 2),
            _ => return None,
        },
        TokenTree::Ident(id) => (id.to_string(), i + 1),
        _ => return None,
    };
    if follows_path_separator(tts, i) || !separator_at(tts, j) {
        return None;
    }
    let mut child = ctx.clone();
    child.push(first.clone());
    if !matches!(first.as_str(), "crate" | "self" | "super") && !modules.contains_key(&child) {
        return None;
    }
    let mut segments = vec![first];
    while separator_at(tts, j) {
        match tts.get(j + 2) {
            Some(TokenTree::Ident(id)) => {
                segments.push(id.to_string());
                j += 3;
            }
            _ => break,
        }
    }
    Some((segments, j))
}

/// The paths a `use` tree imports (a glob: its module; `a::{self}`: `a`).
fn use_leaves(tree: &syn::UseTree, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let with = |name: &syn::Ident| {
        let mut path = prefix.clone();
        if name != "self" {
            path.push(name.unraw_string());
        }
        path
    };
    match tree {
        syn::UseTree::Path(p) => use_leaves(&p.tree, with(&p.ident), out),
        syn::UseTree::Name(n) => out.push(with(&n.ident)),
        syn::UseTree::Rename(r) => out.push(with(&r.ident)),
        syn::UseTree::Glob(_) => out.push(prefix),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_leaves(t, prefix.clone(), out)),
    }
}

/// The deepest module of this crate that `segments`, written in module `ctx`, points into.
fn resolve(segments: &[String], ctx: &ModPath, modules: &BTreeMap<ModPath, usize>) -> Option<ModPath> {
    let (mut base, mut rest): (ModPath, &[String]) = match segments.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &segments[1..]),
        Some("self") => (ctx.clone(), &segments[1..]),
        Some("super") => (ctx.clone(), segments),
        Some(_) => (ctx.clone(), segments),
        None => return None,
    };
    while rest.first().map(String::as_str) == Some("super") {
        base.pop()?;
        rest = &rest[1..];
    }
    if !modules.contains_key(&base) {
        return None;
    }
    for segment in rest {
        let mut next = base.clone();
        next.push(segment.trim_start_matches("r#").to_string());
        if !modules.contains_key(&next) {
            break;
        }
        base = next;
    }
    Some(base)
}

trait Unraw {
    fn unraw_string(&self) -> String;
}

impl Unraw for syn::Ident {
    fn unraw_string(&self) -> String {
        self.to_string().trim_start_matches("r#").to_string()
    }
}

/// The strongly connected components of more than one node (Tarjan), each sorted.
fn cycles(nodes: usize, edges: &BTreeMap<(usize, usize), String>) -> Vec<Vec<usize>> {
    let mut out_edges = vec![Vec::new(); nodes];
    for &(from, to) in edges.keys() {
        out_edges[from].push(to);
    }
    struct Tarjan<'a> {
        out: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        next: usize,
        found: Vec<Vec<usize>>,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, v: usize) {
            self.index[v] = Some(self.next);
            self.low[v] = self.next;
            self.next += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            for &w in &self.out[v] {
                match self.index[w] {
                    None => {
                        self.visit(w);
                        self.low[v] = self.low[v].min(self.low[w]);
                    }
                    Some(iw) if self.on_stack[w] => self.low[v] = self.low[v].min(iw),
                    Some(_) => {}
                }
            }
            if Some(self.low[v]) == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut t = Tarjan { out: &out_edges, index: vec![None; nodes], low: vec![0; nodes], stack: Vec::new(), on_stack: vec![false; nodes], next: 0, found: Vec::new() };
    for v in 0..nodes {
        if t.index[v].is_none() {
            t.visit(v);
        }
    }
    t.found.sort();
    t.found
}

/// One shortest cycle through the first node of `component`, within it.
fn one_cycle(component: &[usize], edges: &BTreeMap<(usize, usize), String>) -> Vec<usize> {
    let start = component[0];
    let inside: BTreeSet<usize> = component.iter().copied().collect();
    let mut previous: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &(from, to) in edges.keys() {
            if from != v || !inside.contains(&to) {
                continue;
            }
            if to == start {
                let mut path = vec![v];
                while let Some(&p) = previous.get(path.last().unwrap_or(&start)) {
                    path.push(p);
                }
                path.reverse();
                if path.first() != Some(&start) {
                    path.insert(0, start);
                }
                path.push(start);
                return path;
            }
            if to != start && !previous.contains_key(&to) {
                previous.insert(to, v);
                queue.push_back(to);
            }
        }
    }
    component.to_vec()
}

/// The root files of every target of the package in `dir`, as Cargo discovers them:
/// `src/lib.rs`, `src/main.rs`, and in `src/bin`, `tests`, `benches` and `examples` each `*.rs`
/// file and each `*/main.rs` (a target of several files).
fn targets(dir: &Path) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = ["src/lib.rs", "src/main.rs"].iter().map(|f| dir.join(f)).filter(|p| p.exists()).collect();
    for folder in ["src/bin", "tests", "benches", "examples"] {
        let Ok(entries) = std::fs::read_dir(dir.join(folder)) else { continue };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter_map(|p| if p.is_dir() { Some(p.join("main.rs")).filter(|m| m.is_file()) } else { Some(p) })
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        files.sort();
        roots.extend(files);
    }
    roots
}

/// Every package folder below `root` (a `Cargo.toml` with `[package]`), `target/` excepted.
fn packages(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let manifest = dir.join("Cargo.toml");
        if std::fs::read_to_string(&manifest).is_ok_and(|t| t.lines().any(|l| l.trim() == "[package]")) {
            found.push(dir.clone());
        }
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() && name != "target" && !name.to_string_lossy().starts_with('.') {
                pending.push(path);
            }
        }
    }
    found.sort();
    found
}

/// A cycle as [`ALLOWED`] lists it: the crate target and its modules, sorted.
type Cycle = (String, Vec<String>);

/// What [`report`] found below a folder.
struct Report {
    /// Every cycle (and every module tree that could not be read, as a cycle of one `error:`).
    found: Vec<Cycle>,
    /// The cycles as printed: modules, one cycle through them, the path behind each edge.
    text: String,
    /// The crate targets read, as printed.
    targets: Vec<String>,
}

/// The cycles of every target of every package below `root`; loading problems count too.
fn report(root: &Path) -> Report {
    let mut found = Vec::new();
    let mut text = String::new();
    let mut targets_seen = Vec::new();
    for package in packages(root) {
        let rel = package.strip_prefix(root).unwrap_or(&package).display().to_string();
        let rel = if rel.is_empty() { ".".to_string() } else { rel };
        for target in targets(&package) {
            let name = format!("{rel}: {}", target.strip_prefix(&package).unwrap_or(&target).display());
            targets_seen.push(name.clone());
            let graph = CrateGraph::load(name.clone(), &target);
            for e in &graph.errors {
                let _ = writeln!(text, "{name}: cannot read the module tree: {e}");
                found.push((name.clone(), vec![format!("error: {e}")]));
            }
            let edges = graph.edges();
            for component in cycles(graph.files.len(), &edges) {
                let modules: Vec<String> = component.iter().map(|&m| graph.module_name(m)).collect();
                let mut sorted = modules.clone();
                sorted.sort();
                let cycle = one_cycle(&component, &edges);
                let _ = writeln!(text, "{}: a cycle of {} modules: {}", graph.name, modules.len(), sorted.join(", "));
                let _ = writeln!(text, "    {}", cycle.iter().map(|&m| graph.module_name(m)).collect::<Vec<_>>().join(" -> "));
                for pair in cycle.windows(2) {
                    let (from, to) = (pair[0], pair[1]);
                    let _ = writeln!(
                        text,
                        "    {} ({}) names `{}`",
                        graph.module_name(from),
                        graph.files[from].1.strip_prefix(root).unwrap_or(&graph.files[from].1).display(),
                        edges[&(from, to)]
                    );
                }
                let inside: BTreeSet<usize> = component.iter().copied().collect();
                let others: Vec<String> = edges
                    .iter()
                    .filter(|((f, t), _)| inside.contains(f) && inside.contains(t) && !cycle.windows(2).any(|p| p == [*f, *t]))
                    .map(|((f, t), path)| format!("{} -> {} (`{path}`)", graph.module_name(*f), graph.module_name(*t)))
                    .collect();
                if !others.is_empty() {
                    let _ = writeln!(text, "    other edges between them: {}", others.join("; "));
                }
                found.push((graph.name.clone(), sorted));
            }
        }
    }
    Report { found, text, targets: targets_seen }
}

#[test]
fn no_crate_has_a_module_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the repository").to_path_buf();
    let Report { found, text, targets } = report(&root);
    // The walk must see the crates the test is about, or it proves nothing.
    for must in [
        "codegen: src/lib.rs",
        "runtime: src/lib.rs",
        "mock: src/lib.rs",
        "mock: src/main.rs",
        "cli-runtime: src/lib.rs",
        "xtask: src/main.rs",
        "tests: src/lib.rs",
        "tests: tests/e2e/main.rs",
        "generated/sagemaker-runtime: src/lib.rs",
        "generated/sagemaker-runtime-cli: src/main.rs",
    ] {
        assert!(targets.iter().any(|t| t == must), "the target `{must}` was not found; found: {targets:?}");
    }
    println!("{} crate targets read below {}; cycles found: {}", targets.len(), root.display(), found.len());
    let allowed: Vec<Cycle> = ALLOWED.iter().map(|(n, m, _)| (n.to_string(), m.iter().map(|s| s.to_string()).collect())).collect();
    let unexpected: Vec<&Cycle> = found.iter().filter(|f| !allowed.contains(f)).collect();
    let stale: Vec<&Cycle> = allowed.iter().filter(|a| !found.contains(a)).collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "module cycles:\n{text}\nnot allowed: {unexpected:?}\nallowed but no longer found (remove from ALLOWED): {stale:?}"
    );
}

/// The test finds what it is meant to on a crate written for it: a cycle made of a `use` group,
/// a path in an expression and a child module named bare; and no edge from comments, strings,
/// `quote!` bodies, ancestors or `mod` declarations.
#[test]
fn the_graph_sees_real_references_and_nothing_else() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap_or(dir.path())).expect("folders");
        std::fs::write(path, text).expect("a file");
    };
    write("Cargo.toml", "[package]\nname = \"x\"\n");
    write(
        "src/lib.rs",
        "mod a;\nmod b;\nmod c;\nmod quiet;\n#[path = \"elsewhere/d.rs\"]\nmod d;\n",
    );
    write("src/a.rs", "use crate::{b::thing, d};\npub fn f() {}\n");
    write("src/b.rs", "pub fn thing() { let _ = matches!(1, _ if { super::c::g(); true }); }\n");
    write("src/c.rs", "mod inner { pub fn h() { super::super::a::f() } }\npub fn g() { inner::h() }\n");
    write(
        "src/quiet.rs",
        "// crate::a::f()\n/// crate::b::thing\npub fn q() { let _ = \"crate::c::g\"; let _ = quote! { crate::a::f() }; super::c::g(); }\nmod child;\n",
    );
    write("src/quiet/child.rs", "pub fn k() { super::q(); crate::quiet::q(); }\n");
    write("src/elsewhere/d.rs", "pub fn e() {}\n");
    let Report { found, text, targets } = report(dir.path());
    assert_eq!(targets, [".: src/lib.rs"], "{text}");
    assert_eq!(found, vec![(".: src/lib.rs".to_string(), vec!["a".to_string(), "b".to_string(), "c".to_string()])], "{text}");
    assert!(text.contains("names `use crate::b::thing`"), "{text}");
    assert!(text.contains("names `super::c::g`"), "{text}");
    assert!(text.contains("names `super::super::a::f`"), "{text}");

    let graph = CrateGraph::load("x".into(), &dir.path().join("src/lib.rs"));
    assert!(graph.errors.is_empty(), "{:?}", graph.errors);
    let names: Vec<(String, String)> = graph.edges().into_iter().map(|((f, t), _)| (graph.module_name(f), graph.module_name(t))).collect();
    assert_eq!(
        names,
        [("a", "b"), ("a", "d"), ("b", "c"), ("c", "a"), ("quiet", "c")].map(|(f, t)| (f.to_string(), t.to_string())),
        "quiet names c once in code; comments, strings, quote! and its child's paths to it are no edges"
    );
}
