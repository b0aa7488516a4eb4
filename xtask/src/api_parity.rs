//! The public-item list of a crate, read from its source with `syn`, and the check that
//! another crate has every one of them at the same path (`cargo xtask api-parity`).
//!
//! A drop-in replacement must compile the code written against the original; the first
//! condition is that every public path of the original names something in the replacement.
//! The list is computed the way the compiler sees paths, not by grepping: modules are loaded
//! from their files, `pub use` re-exports (renames, groups, globs) are followed to their
//! targets, inside the crate and into the crates given as source (so items the replacement
//! re-exports from its shared runtime count with their methods), and only what is reachable
//! through public modules and re-exports is listed. Items: modules, structs, enums and their
//! variants, unions, traits and their methods, functions, type aliases, consts and statics,
//! public fields, and the inherent methods and associated consts of public types (by name).
//! Re-exports of crates not given as source are listed as `re-export` (their kind is unknown
//! here). `#[cfg(test)]` and `#[doc(hidden)]` items are not public API and are left out.
//!
//! Rustdoc's JSON output would say the same but needs a nightly toolchain; `syn` runs on stable.
//! This file is also compiled into the test `tests/tests/e2e/api_parity.rs` (`#[path]`), so the
//! check in the test run and the command are one code.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What an item is, as listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Module,
    Struct,
    Enum,
    Union,
    Trait,
    Function,
    TypeAlias,
    Const,
    Static,
    Variant,
    Field,
    Method,
    AssocConst,
    TraitMethod,
    /// A re-export of an item of a crate whose source is not read.
    ReExport,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Module => "module",
            Kind::Struct => "struct",
            Kind::Enum => "enum",
            Kind::Union => "union",
            Kind::Trait => "trait",
            Kind::Function => "function",
            Kind::TypeAlias => "type alias",
            Kind::Const => "const",
            Kind::Static => "static",
            Kind::Variant => "variant",
            Kind::Field => "field",
            Kind::Method => "method",
            Kind::AssocConst => "associated const",
            Kind::TraitMethod => "trait method",
            Kind::ReExport => "re-export",
        }
    }
}

/// One public item: its path from the crate root (without the crate name) and kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Item {
    pub path: String,
    pub kind: Kind,
}

/// A definition inside a module.
#[derive(Debug)]
struct Def {
    name: String,
    public: bool,
    kind: Kind,
    /// The module a `mod` item opens.
    module: Option<usize>,
    /// Variants, public fields, trait methods.
    members: Vec<(String, Kind)>,
    /// The aliased type's path, for a type alias (its methods are the target's).
    alias_of: Option<Vec<String>>,
}

#[derive(Debug)]
struct UseDecl {
    public: bool,
    /// The name it binds (`as` rename applied); `None` for a glob.
    name: Option<String>,
    /// The path as written (first segment `crate`, `self`, `super`, `::` for an absolute path,
    /// or a name); for `use a::b::{self}` the path is `a::b`.
    path: Vec<String>,
}

#[derive(Debug)]
struct ImplBlock {
    self_path: Vec<String>,
    members: Vec<(String, Kind)>,
}

#[derive(Debug, Default)]
struct Module {
    parent: Option<usize>,
    defs: Vec<Def>,
    uses: Vec<UseDecl>,
    impls: Vec<ImplBlock>,
}

/// One crate's modules, read from source.
#[derive(Debug)]
struct Crate {
    name: String,
    modules: Vec<Module>,
}

/// Where a path leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Target {
    Module { krate: usize, module: usize },
    Def { krate: usize, module: usize, def: usize },
    External(String),
}

/// The crates whose source is read: the first is the one listed.
pub struct World {
    crates: Vec<Crate>,
    /// Inherent members per definition, gathered from every `impl` block of every crate.
    inherent: HashMap<(usize, usize, usize), Vec<(String, Kind)>>,
}

fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// `#[cfg(test)]` (and `#[cfg(any(test, ...))]`-free forms) or `#[doc(hidden)]`: not public API.
fn hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let tokens = match &attr.meta {
            syn::Meta::List(list) => list.tokens.to_string(),
            _ => return false,
        };
        (attr.path().is_ident("cfg") && tokens == "test") || (attr.path().is_ident("doc") && tokens == "hidden")
    })
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| match &attr.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

fn type_path(ty: &syn::Type) -> Option<Vec<String>> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            let mut segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
            if p.path.leading_colon.is_some() {
                segs.insert(0, String::new());
            }
            Some(segs)
        }
        syn::Type::Group(g) => type_path(&g.elem),
        syn::Type::Paren(p) => type_path(&p.elem),
        _ => None,
    }
}

fn flatten_use(tree: &syn::UseTree, prefix: &mut Vec<String>, public: bool, out: &mut Vec<UseDecl>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use(&p.tree, prefix, public, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                out.push(UseDecl { public, name: prefix.last().cloned(), path: prefix.clone() });
            } else {
                let mut path = prefix.clone();
                path.push(name.clone());
                out.push(UseDecl { public, name: Some(name), path });
            }
        }
        syn::UseTree::Rename(r) => {
            let name = r.ident.to_string();
            let path = if name == "self" {
                prefix.clone()
            } else {
                let mut path = prefix.clone();
                path.push(name);
                path
            };
            let rename = r.rename.to_string();
            // `use x as _` only brings trait methods into scope.
            if rename != "_" {
                out.push(UseDecl { public, name: Some(rename), path });
            }
        }
        syn::UseTree::Glob(_) => out.push(UseDecl { public, name: None, path: prefix.clone() }),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten_use(t, prefix, public, out);
            }
        }
    }
}

/// Reads one crate from its `src/lib.rs`, following `mod` items to their files.
struct Loader {
    modules: Vec<Module>,
}

impl Loader {
    fn load_file(&mut self, file: &Path, parent: Option<usize>, dir_for_children: PathBuf) -> Result<usize, String> {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let syntax = syn::parse_file(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        let id = self.modules.len();
        self.modules.push(Module { parent, ..Module::default() });
        self.load_items(id, &syntax.items, &dir_for_children, file)?;
        Ok(id)
    }

    /// `dir`: where the files of this module's `mod x;` children are (`dir/x.rs`, `dir/x/mod.rs`).
    fn load_items(&mut self, id: usize, items: &[syn::Item], dir: &Path, file: &Path) -> Result<(), String> {
        for item in items {
            match item {
                syn::Item::Mod(m) => {
                    if hidden(&m.attrs) {
                        continue;
                    }
                    let name = m.ident.to_string();
                    let child = match &m.content {
                        Some((_, items)) => {
                            let child = self.modules.len();
                            self.modules.push(Module { parent: Some(id), ..Module::default() });
                            self.load_items(child, items, &dir.join(&name), file)?;
                            child
                        }
                        None => {
                            let (path, child_dir) = match path_attr(&m.attrs) {
                                Some(p) => {
                                    let base = file.parent().unwrap_or(Path::new("."));
                                    let path = base.join(p);
                                    let child_dir = path.parent().unwrap_or(base).to_path_buf();
                                    (path, child_dir)
                                }
                                None => {
                                    let flat = dir.join(format!("{name}.rs"));
                                    if flat.exists() {
                                        (flat, dir.join(&name))
                                    } else {
                                        (dir.join(&name).join("mod.rs"), dir.join(&name))
                                    }
                                }
                            };
                            self.load_file(&path, Some(id), child_dir)?
                        }
                    };
                    self.modules[id].defs.push(Def {
                        name,
                        public: is_public(&m.vis),
                        kind: Kind::Module,
                        module: Some(child),
                        members: Vec::new(),
                        alias_of: None,
                    });
                }
                syn::Item::Use(u) => {
                    if hidden(&u.attrs) {
                        continue;
                    }
                    let mut prefix = Vec::new();
                    if u.leading_colon.is_some() {
                        prefix.push(String::new());
                    }
                    let mut out = Vec::new();
                    flatten_use(&u.tree, &mut prefix, is_public(&u.vis), &mut out);
                    self.modules[id].uses.extend(out);
                }
                syn::Item::Impl(i) => {
                    if hidden(&i.attrs) || i.trait_.is_some() {
                        continue;
                    }
                    let Some(self_path) = type_path(&i.self_ty) else { continue };
                    let members = i
                        .items
                        .iter()
                        .filter_map(|it| match it {
                            syn::ImplItem::Fn(f) if is_public(&f.vis) && !hidden(&f.attrs) => Some((f.sig.ident.to_string(), Kind::Method)),
                            syn::ImplItem::Const(c) if is_public(&c.vis) && !hidden(&c.attrs) => Some((c.ident.to_string(), Kind::AssocConst)),
                            _ => None,
                        })
                        .collect();
                    self.modules[id].impls.push(ImplBlock { self_path, members });
                }
                // The runtime's client settings table writes the setters of `ClientConfigBuilder`
                // and the getters of `ClientConfig` (runtime/src/client/config.rs).
                syn::Item::Macro(m) if m.mac.path.is_ident("client_settings") => {
                    let (setters, getters) = m
                        .mac
                        .parse_body_with(settings_table_methods)
                        .map_err(|e| format!("{}: the client_settings! table: {e}", file.display()))?;
                    for (self_type, names) in [("ClientConfigBuilder", setters), ("ClientConfig", getters)] {
                        let members = names.into_iter().map(|name| (name, Kind::Method)).collect();
                        self.modules[id].impls.push(ImplBlock { self_path: vec![self_type.to_string()], members });
                    }
                }
                other => {
                    if let Some(def) = simple_def(other) {
                        self.modules[id].defs.push(def);
                    }
                }
            }
        }
        Ok(())
    }
}

/// The methods the rows of a `client_settings!` table declare, by name: each row's
/// `builder { .. }` setters (`fn name`, also inside `hand_written { .. }`) are methods of
/// `ClientConfigBuilder`, its `config { .. }` getter a method of `ClientConfig`.
fn settings_table_methods(input: syn::parse::ParseStream) -> syn::Result<(Vec<String>, Vec<String>)> {
    let (mut setters, mut getters) = (Vec::new(), Vec::new());
    while !input.is_empty() {
        if input.peek(syn::token::Brace) {
            // A row.
            let row;
            syn::braced!(row in input);
            let (s, g) = settings_table_methods(&row)?;
            setters.extend(s);
            getters.extend(g);
        } else if (input.peek(kw::builder) || input.peek(kw::config)) && input.peek2(syn::token::Brace) {
            let out = if input.peek(kw::builder) { &mut setters } else { &mut getters };
            let _: syn::Ident = input.parse()?;
            let section;
            syn::braced!(section in input);
            fn_names(&section, out)?;
        } else {
            skip_token_tree(input)?;
        }
    }
    Ok((setters, getters))
}

/// The names after `fn` in a section of a settings table row, and in its `hand_written { .. }`.
fn fn_names(input: syn::parse::ParseStream, out: &mut Vec<String>) -> syn::Result<()> {
    while !input.is_empty() {
        if input.peek(syn::Token![fn]) {
            input.parse::<syn::Token![fn]>()?;
            out.push(input.parse::<syn::Ident>()?.to_string());
        } else if input.peek(kw::hand_written) && input.peek2(syn::token::Brace) {
            input.parse::<kw::hand_written>()?;
            let methods;
            syn::braced!(methods in input);
            fn_names(&methods, out)?;
        } else {
            skip_token_tree(input)?;
        }
    }
    Ok(())
}

fn skip_token_tree(input: syn::parse::ParseStream) -> syn::Result<()> {
    input.step(|cursor| cursor.token_tree().map(|(_, rest)| ((), rest)).ok_or_else(|| cursor.error("end of input")))
}

/// The words of a `client_settings!` table that the reader looks for.
mod kw {
    syn::custom_keyword!(builder);
    syn::custom_keyword!(config);
    syn::custom_keyword!(hand_written);
}

fn simple_def(item: &syn::Item) -> Option<Def> {
    let def = |name: &syn::Ident, vis: &syn::Visibility, kind: Kind, members: Vec<(String, Kind)>| Def {
        name: name.to_string(),
        public: is_public(vis),
        kind,
        module: None,
        members,
        alias_of: None,
    };
    let fields = |fields: &syn::Fields| -> Vec<(String, Kind)> {
        match fields {
            syn::Fields::Named(named) => named
                .named
                .iter()
                .filter(|f| is_public(&f.vis) && !hidden(&f.attrs))
                .filter_map(|f| f.ident.as_ref().map(|i| (i.to_string(), Kind::Field)))
                .collect(),
            _ => Vec::new(),
        }
    };
    Some(match item {
        syn::Item::Struct(s) if !hidden(&s.attrs) => def(&s.ident, &s.vis, Kind::Struct, fields(&s.fields)),
        syn::Item::Enum(e) if !hidden(&e.attrs) => {
            let variants = e.variants.iter().filter(|v| !hidden(&v.attrs)).map(|v| (v.ident.to_string(), Kind::Variant)).collect();
            def(&e.ident, &e.vis, Kind::Enum, variants)
        }
        syn::Item::Union(u) if !hidden(&u.attrs) => def(&u.ident, &u.vis, Kind::Union, Vec::new()),
        syn::Item::Trait(t) if !hidden(&t.attrs) => {
            let methods = t
                .items
                .iter()
                .filter_map(|it| match it {
                    syn::TraitItem::Fn(f) if !hidden(&f.attrs) => Some((f.sig.ident.to_string(), Kind::TraitMethod)),
                    _ => None,
                })
                .collect();
            def(&t.ident, &t.vis, Kind::Trait, methods)
        }
        syn::Item::Fn(f) if !hidden(&f.attrs) => def(&f.sig.ident, &f.vis, Kind::Function, Vec::new()),
        syn::Item::Type(t) if !hidden(&t.attrs) => {
            let mut d = def(&t.ident, &t.vis, Kind::TypeAlias, Vec::new());
            d.alias_of = type_path(&t.ty);
            d
        }
        syn::Item::Const(c) if !hidden(&c.attrs) => def(&c.ident, &c.vis, Kind::Const, Vec::new()),
        syn::Item::Static(s) if !hidden(&s.attrs) => def(&s.ident, &s.vis, Kind::Static, Vec::new()),
        _ => return None,
    })
}

impl World {
    /// Reads the crates (`(crate name as used in paths, its src/lib.rs)`); the first one is the
    /// crate whose public items are listed, the others are read where it re-exports from them.
    pub fn load(crates: &[(&str, &Path)]) -> Result<World, String> {
        let mut loaded = Vec::new();
        for (name, lib) in crates {
            let mut loader = Loader { modules: Vec::new() };
            let dir = lib.parent().unwrap_or(Path::new(".")).to_path_buf();
            loader.load_file(lib, None, dir)?;
            loaded.push(Crate { name: name.to_string(), modules: loader.modules });
        }
        let mut world = World { crates: loaded, inherent: HashMap::new() };
        let mut inherent: HashMap<(usize, usize, usize), Vec<(String, Kind)>> = HashMap::new();
        for k in 0..world.crates.len() {
            for m in 0..world.crates[k].modules.len() {
                for block in &world.crates[k].modules[m].impls {
                    if let Some(Target::Def { krate, module, def }) = world.resolve(k, m, &block.self_path, 0) {
                        inherent.entry((krate, module, def)).or_default().extend(block.members.iter().cloned());
                    }
                }
            }
        }
        world.inherent = inherent;
        Ok(world)
    }

    fn crate_index(&self, name: &str) -> Option<usize> {
        self.crates.iter().position(|c| c.name == name)
    }

    /// Resolves `path` as written in module `m` of crate `k` (2018 paths).
    fn resolve(&self, k: usize, m: usize, path: &[String], depth: usize) -> Option<Target> {
        if depth > 32 || path.is_empty() {
            return None;
        }
        let (mut target, rest) = match path[0].as_str() {
            "crate" => (Target::Module { krate: k, module: 0 }, &path[1..]),
            "self" => (Target::Module { krate: k, module: m }, &path[1..]),
            "super" => (Target::Module { krate: k, module: self.crates[k].modules[m].parent? }, &path[1..]),
            "" => (self.extern_crate(path.get(1)?), &path[2..]),
            first => match self.lookup(k, m, first, depth + 1) {
                Some(t) => (t, &path[1..]),
                None => (self.extern_crate(first), &path[1..]),
            },
        };
        for seg in rest {
            target = match target {
                Target::Module { krate, module } => match seg.as_str() {
                    "super" => Target::Module { krate, module: self.crates[krate].modules[module].parent? },
                    "self" => Target::Module { krate, module },
                    _ => self.lookup(krate, module, seg, depth + 1)?,
                },
                Target::External(p) => Target::External(format!("{p}::{seg}")),
                // An associated item (`Enum::Variant`) is not a path a `use` or `impl` here needs.
                Target::Def { .. } => return None,
            };
        }
        Some(target)
    }

    fn extern_crate(&self, name: &str) -> Target {
        match self.crate_index(name) {
            Some(krate) => Target::Module { krate, module: 0 },
            None => Target::External(name.to_string()),
        }
    }

    /// The item `name` in module `m` of crate `k`: a definition, a `use`, or a glob import.
    fn lookup(&self, k: usize, m: usize, name: &str, depth: usize) -> Option<Target> {
        if depth > 32 {
            return None;
        }
        let module = &self.crates[k].modules[m];
        if let Some((i, def)) = module.defs.iter().enumerate().find(|(_, d)| d.name == name) {
            return Some(match def.module {
                Some(child) => Target::Module { krate: k, module: child },
                None => Target::Def { krate: k, module: m, def: i },
            });
        }
        if let Some(u) = module.uses.iter().find(|u| u.name.as_deref() == Some(name)) {
            return self.resolve(k, m, &u.path, depth + 1);
        }
        for u in module.uses.iter().filter(|u| u.name.is_none()) {
            if let Some(Target::Module { krate, module }) = self.resolve(k, m, &u.path, depth + 1) {
                if let Some(t) = self.lookup(krate, module, name, depth + 1) {
                    return Some(t);
                }
            }
        }
        None
    }

    fn def(&self, k: usize, m: usize, d: usize) -> &Def {
        &self.crates[k].modules[m].defs[d]
    }

    /// Members of a definition: its own (variants, fields, trait methods) and its inherent
    /// methods; a type alias has those of the type it names.
    fn members(&self, k: usize, m: usize, d: usize, depth: usize) -> Vec<(String, Kind)> {
        let def = self.def(k, m, d);
        if let (Some(target), true) = (&def.alias_of, depth < 8) {
            if let Some(Target::Def { krate, module, def }) = self.resolve(k, m, target, 0) {
                return self.members(krate, module, def, depth + 1);
            }
        }
        let mut members = def.members.clone();
        if let Some(inherent) = self.inherent.get(&(k, m, d)) {
            members.extend(inherent.iter().cloned());
        }
        members
    }

    /// Every public path of the first crate and where it leads, in a stable order.
    fn public_paths(&self) -> BTreeMap<String, Target> {
        let mut out = BTreeMap::new();
        let mut visited = BTreeSet::new();
        self.walk(0, 0, "", &mut out, &mut visited);
        out
    }

    fn walk(&self, k: usize, m: usize, prefix: &str, out: &mut BTreeMap<String, Target>, visited: &mut BTreeSet<String>) {
        // A module reachable by several paths (or a cycle of re-exports) is walked once per path,
        // never twice on the same one.
        if !visited.insert(format!("{k}/{m}@{prefix}")) || prefix.matches("::").count() > 16 {
            return;
        }
        let join = |name: &str| if prefix.is_empty() { name.to_string() } else { format!("{prefix}::{name}") };
        let module = &self.crates[k].modules[m];
        for (i, def) in module.defs.iter().enumerate() {
            if !def.public {
                continue;
            }
            let path = join(&def.name);
            match def.module {
                Some(child) => {
                    out.insert(path.clone(), Target::Module { krate: k, module: child });
                    self.walk(k, child, &path, out, visited);
                }
                None => {
                    out.insert(path, Target::Def { krate: k, module: m, def: i });
                }
            }
        }
        for u in module.uses.iter().filter(|u| u.public) {
            match &u.name {
                Some(name) => {
                    let path = join(name);
                    match self.resolve(k, m, &u.path, 0) {
                        Some(Target::Module { krate, module }) => {
                            out.insert(path.clone(), Target::Module { krate, module });
                            self.walk(krate, module, &path, out, visited);
                        }
                        Some(t) => {
                            out.insert(path, t);
                        }
                        None => {}
                    }
                }
                None => match self.resolve(k, m, &u.path, 0) {
                    Some(Target::Module { krate, module }) => {
                        // A glob re-exports the public names of the module it names.
                        let mut inner = BTreeMap::new();
                        self.walk(krate, module, "", &mut inner, &mut BTreeSet::new());
                        for (p, t) in inner {
                            out.entry(join(&p)).or_insert(t);
                        }
                    }
                    Some(Target::External(p)) => {
                        out.insert(join("*"), Target::External(format!("{p}::*")));
                    }
                    _ => {}
                },
            }
        }
    }

    /// The public items: every public path with its kind, and the members of each local type,
    /// trait and enum under the shortest of its paths (methods are not listed once per path).
    pub fn items(&self) -> Vec<Item> {
        let paths = self.public_paths();
        let mut canonical: HashMap<Target, &str> = HashMap::new();
        for (path, target) in &paths {
            let better = match canonical.get(target) {
                None => true,
                Some(current) => (path.matches("::").count(), path.as_str()) < (current.matches("::").count(), *current),
            };
            if better {
                canonical.insert(target.clone(), path);
            }
        }
        let mut items = Vec::new();
        for (path, target) in &paths {
            let kind = match target {
                Target::Module { .. } => Kind::Module,
                Target::Def { krate, module, def } => self.def(*krate, *module, *def).kind,
                Target::External(_) => Kind::ReExport,
            };
            items.push(Item { path: path.clone(), kind });
            if let Target::Def { krate, module, def } = target {
                if canonical.get(target) == Some(&path.as_str()) {
                    let mut seen = BTreeSet::new();
                    for (name, kind) in self.members(*krate, *module, *def, 0) {
                        if seen.insert(name.clone()) {
                            items.push(Item { path: format!("{path}::{name}"), kind });
                        }
                    }
                }
            }
        }
        items.sort();
        items.dedup();
        items
    }

    /// Every public path of the first crate, members under every path of their type: what
    /// another crate's items are looked up in.
    pub fn all_paths(&self) -> BTreeMap<String, Kind> {
        let mut all = BTreeMap::new();
        for (path, target) in self.public_paths() {
            let kind = match &target {
                Target::Module { .. } => Kind::Module,
                Target::Def { krate, module, def } => self.def(*krate, *module, *def).kind,
                Target::External(_) => Kind::ReExport,
            };
            if let Target::Def { krate, module, def } = target {
                for (name, member) in self.members(krate, module, def, 0) {
                    all.entry(format!("{path}::{name}")).or_insert(member);
                }
            }
            all.insert(path, kind);
        }
        all
    }
}

/// The comparison of a crate's public items with another's.
pub struct Parity {
    /// The official crate's name and version, e.g. `aws-sdk-sagemakerruntime 1.123.0`.
    pub reference: String,
    /// Our crate's name.
    pub ours: String,
    /// Each reference item and, when ours has it, our kind.
    pub items: Vec<(Item, Option<Kind>)>,
}

impl Parity {
    pub fn compare(reference: String, reference_world: &World, ours: String, our_world: &World) -> Parity {
        let our_paths = our_world.all_paths();
        let items = reference_world
            .items()
            .into_iter()
            .map(|item| {
                let found = our_paths.get(&item.path).copied();
                (item, found)
            })
            .collect();
        Parity { reference, ours, items }
    }

    pub fn present(&self) -> usize {
        self.items.iter().filter(|(_, ours)| ours.is_some()).count()
    }

    pub fn absent(&self) -> Vec<&Item> {
        self.items.iter().filter(|(_, ours)| ours.is_none()).map(|(item, _)| item).collect()
    }

    /// The one-line count, as the README shows it.
    pub fn summary(&self) -> String {
        format!("{} of {} public items of {} present", self.present(), self.items.len(), self.reference)
    }

    /// The list as Markdown: the count, then one line per item.
    pub fn markdown(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(text, "# Public items of {} in `{}`\n", self.reference, self.ours);
        let _ = writeln!(
            text,
            "Written by `cargo xtask api-parity` (do not edit): every public item of the official crate, read \
             from its source with `syn` (modules followed to their files, `pub use` re-exports to their \
             targets), and whether `{}` has an item at the same path. Checked by \
             `cargo test -p e2e-tests --test e2e api_parity::`, which fails when an item is absent or this \
             file is stale.\n",
            self.ours
        );
        let _ = writeln!(text, "**{}.**\n", self.summary());
        let absent = self.absent();
        if !absent.is_empty() {
            let _ = writeln!(text, "## Absent\n");
            for item in absent {
                let _ = writeln!(text, "- `{}` ({})", item.path, item.kind.label());
            }
            text.push('\n');
        }
        let _ = writeln!(text, "## Items\n");
        let _ = writeln!(text, "| item | official | ours |\n|---|---|---|");
        for (item, ours) in &self.items {
            let _ = writeln!(
                text,
                "| `{}` | {} | {} |",
                item.path,
                item.kind.label(),
                ours.map(Kind::label).unwrap_or("**absent**")
            );
        }
        text
    }
}

/// Where a registry crate's source is, and its version: the version the workspace's lock file
/// holds, in Cargo's registry source folder (`$CARGO_HOME/registry/src/<index>/<name>-<version>`,
/// there once the workspace has been built). Read without running Cargo, so it works offline.
pub fn registry_source(root: &Path, package: &str) -> Result<(PathBuf, String), String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock.find(&needle).ok_or_else(|| format!("{package} is not in Cargo.lock"))? + needle.len();
    let version = lock[start..].split('"').next().unwrap_or_default().to_string();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    let sources = cargo_home.join("registry/src");
    let entries = std::fs::read_dir(&sources).map_err(|e| format!("{}: {e}", sources.display()))?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path().join(format!("{package}-{version}"))))
        .filter(|dir| dir.join("src/lib.rs").is_file())
        .collect();
    dirs.sort();
    let dir = dirs
        .pop()
        .ok_or_else(|| format!("{package} {version} is not in {} (build the workspace once)", sources.display()))?;
    Ok((dir, version))
}

/// One official crate and the generated crate that replaces it, and the file their list is kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    /// The official crate's package name (its source is read from Cargo's registry).
    pub official: &'static str,
    /// Our package, `generated/<ours>` (read with the runtime it re-exports from).
    pub ours: &'static str,
    /// The committed list, relative to the workspace root.
    pub list_file: &'static str,
    /// Fewer official items than this means the reader lost its way, not that the crate shrank.
    pub min_items: usize,
}

/// Every official crate this project replaces, each with its generated crate. The official
/// crates are dependencies of the workspace (`tests/Cargo.toml`), so the lock file names their
/// versions and Cargo has their sources.
pub const PAIRS: [Pair; 2] = [
    Pair {
        official: "aws-sdk-sagemakerruntime",
        ours: "sagemaker-runtime",
        list_file: "tests/dropin/API-PARITY.md",
        min_items: 500,
    },
    Pair {
        official: "aws-sdk-sagemakerruntimehttp2",
        ours: "sagemaker-runtime-http2",
        list_file: "tests/dropin/API-PARITY-HTTP2.md",
        min_items: 200,
    },
];

impl Pair {
    /// Compares the official crate with `generated/<ours>` (and the runtime it re-exports
    /// from) in the workspace at `root`.
    pub fn parity(&self, root: &Path) -> Result<Parity, String> {
        let (official_dir, version) = registry_source(root, self.official)?;
        let official = World::load(&[(&self.official.replace('-', "_"), &official_dir.join("src/lib.rs"))])?;
        let ours_lib = root.join("generated").join(self.ours).join("src/lib.rs");
        let runtime_lib = root.join("runtime/src/lib.rs");
        let ours = World::load(&[(&self.ours.replace('-', "_"), &ours_lib), ("smithygen_runtime", &runtime_lib)])?;
        Ok(Parity::compare(format!("{} {version}", self.official), &official, self.ours.to_string(), &ours))
    }
}
