//! The house rules, held by a test that reads the source: no file over 600 lines before its
//! tests, every module named in ARCHITECTURE.md's tree, no import circle between modules, and
//! the top-level modules used only downwards in ARCHITECTURE.md's layer order. Every `crate::`,
//! `super::` and `self::` path counts (and a path through a child module), in `use` lines as in
//! fields and expressions; comments, strings and `#[cfg(test)]` modules do not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MOST_LINES: usize = 600;

/// A module: its path below the crate (`app::state`; the crate root is empty).
type Module = Vec<String>;

struct Source {
    file: PathBuf,
    module: Module,
    /// The text before the first top-level `#[cfg(test)]`, without comments or strings.
    code: String,
    lines_before_tests: usize,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/app/state/mod.rs` → `app::state`; `src/lib.rs` → the root. `src/main.rs` is another
/// crate (the program) and is left out, as are `tests.rs` files (test code).
fn module_of(relative: &Path) -> Option<Module> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?;
    match (parts.is_empty(), stem) {
        (true, "main") => None,
        // A module's unit tests in a file of their own (`#[cfg(test)] mod tests;`).
        (_, "tests") => None,
        (true, "lib") => Some(Vec::new()),
        (_, "mod") => Some(parts),
        _ => {
            parts.push(stem.to_owned());
            Some(parts)
        }
    }
}

/// The code with comments, string and character literals blanked (lines kept).
fn without_comments_and_strings(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |slice: &[u8], out: &mut String| {
        for &b in slice {
            out.push(if b == b'\n' { '\n' } else { ' ' });
        }
    };
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"//") {
            let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            blank(&rest[..end], &mut out);
            i += end;
        } else if rest.starts_with(b"/*") {
            let end = text[i + 2..].find("*/").map_or(rest.len(), |e| e + 4);
            blank(&rest[..end], &mut out);
            i += end;
        } else if rest.starts_with(b"r#\"") || rest.starts_with(b"r\"") {
            let hashes = rest[1..].iter().take_while(|&&b| b == b'#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let open = 2 + hashes;
            let end = text[i + open..]
                .find(&close)
                .map_or(rest.len(), |e| open + e + close.len());
            blank(&rest[..end], &mut out);
            i += end;
        } else if rest[0] == b'"' {
            let mut end = 1;
            while end < rest.len() && rest[end] != b'"' {
                end += if rest[end] == b'\\' { 2 } else { 1 };
            }
            let end = (end + 1).min(rest.len());
            blank(&rest[..end], &mut out);
            i += end;
        } else if rest[0] == b'\'' && rest.len() > 2 && (rest[2] == b'\'' || rest[1] == b'\\') {
            // A character literal (`'"'`, `'\''`), not a lifetime.
            let end = rest[2..]
                .iter()
                .position(|&b| b == b'\'')
                .map_or(rest.len(), |e| e + 3);
            blank(&rest[..end], &mut out);
            i += end;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn sources() -> Vec<Source> {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|file| {
            let relative = file.strip_prefix(&src).unwrap().to_owned();
            let module = module_of(&relative)?;
            let text = std::fs::read_to_string(&file).unwrap();
            let before_tests: Vec<&str> = text
                .lines()
                .take_while(|line| !line.starts_with("#[cfg(test)]"))
                .collect();
            let lines_before_tests = before_tests.len();
            let code = without_comments_and_strings(&before_tests.join("\n"));
            Some(Source {
                file: relative,
                module,
                code,
                lines_before_tests,
            })
        })
        .collect()
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The paths in `code` that start with one of `starts` (a whole word followed by `::`), each
/// as its segments; `{…}` groups are expanded.
fn paths(code: &str, starts: &BTreeSet<String>) -> Vec<Vec<String>> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_ident(bytes[i]) || (i > 0 && (is_ident(bytes[i - 1]) || bytes[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let end = i + bytes[i..].iter().take_while(|&&b| is_ident(b)).count();
        let word = &code[i..end];
        if starts.contains(word) && code[end..].trim_start().starts_with("::") {
            let mut prefix = vec![word.to_owned()];
            let after = end + (code[end..].len() - code[end..].trim_start().len()) + 2;
            i = read_path(code, after, &mut prefix, &mut found);
        } else {
            i = end;
        }
    }
    found
}

/// Reads the rest of a path after `prefix::` from `at`; pushes each full path; returns where
/// it ended.
fn read_path(
    code: &str,
    at: usize,
    prefix: &mut Vec<String>,
    found: &mut Vec<Vec<String>>,
) -> usize {
    let bytes = code.as_bytes();
    let mut i = at;
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    if i < bytes.len() && bytes[i] == b'{' {
        i += 1;
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'}' {
                return i + 1;
            }
            let mut inner = prefix.clone();
            let before = i;
            i = read_segments(code, i, &mut inner, found);
            if i == before {
                i += 1;
            }
        }
    }
    read_segments(code, i, prefix, found)
}

fn read_segments(
    code: &str,
    at: usize,
    prefix: &mut Vec<String>,
    found: &mut Vec<Vec<String>>,
) -> usize {
    let bytes = code.as_bytes();
    let mut i = at;
    let end = i + bytes[i..].iter().take_while(|&&b| is_ident(b)).count();
    if end > i {
        prefix.push(code[i..end].to_owned());
        i = end;
        let rest = code[i..].trim_start();
        if rest.starts_with("::") && !rest.starts_with("::<") {
            let next = i + (code[i..].len() - rest.len()) + 2;
            return read_path(code, next, prefix, found);
        }
    }
    // Skip an `as name` rename; the path ends here.
    found.push(prefix.clone());
    i
}

/// Where each module's code points: the deepest module each path names.
fn edges(sources: &[Source]) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules: BTreeSet<Module> = sources.iter().map(|s| s.module.clone()).collect();
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for source in sources {
        let children: BTreeSet<String> = modules
            .iter()
            .filter(|m| m.len() == source.module.len() + 1 && m.starts_with(&source.module))
            .map(|m| m[m.len() - 1].clone())
            .collect();
        let mut starts: BTreeSet<String> = ["crate", "super", "self"].map(str::to_owned).into();
        starts.extend(children.iter().cloned());
        for path in paths(&source.code, &starts) {
            let mut base: Module = source.module.clone();
            let mut segments = path.as_slice();
            match segments.first().map(String::as_str) {
                Some("crate") => {
                    base.clear();
                    segments = &segments[1..];
                }
                Some("self") => segments = &segments[1..],
                _ => {}
            }
            while segments.first().is_some_and(|s| s == "super") {
                base.pop();
                segments = &segments[1..];
            }
            for segment in segments {
                let mut deeper = base.clone();
                deeper.push(segment.clone());
                if !modules.contains(&deeper) {
                    break;
                }
                base = deeper;
            }
            // A module may use what its parents hold: the house it lives in.
            if base != source.module && !source.module.starts_with(&base) {
                graph.entry(source.module.clone()).or_default().insert(base);
            }
        }
    }
    graph
}

fn name(module: &Module) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// The strongly connected groups of more than one module (Tarjan).
fn circles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on_stack: BTreeSet<&'a Module>,
        groups: Vec<Vec<Module>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, node: &'a Module) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            self.on_stack.insert(node);
            for next in self.graph.get(node).into_iter().flatten() {
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut group = Vec::new();
                while let Some(top) = self.stack.pop() {
                    self.on_stack.remove(top);
                    group.push(top.clone());
                    if top == node {
                        break;
                    }
                }
                if group.len() > 1 {
                    group.sort();
                    self.groups.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        groups: Vec::new(),
    };
    for node in graph.keys() {
        if !walk.index.contains_key(node) {
            walk.visit(node);
        }
    }
    walk.groups
}

/// The fenced block after "Layer order" in ARCHITECTURE.md: one line per layer, top first,
/// the top-level modules of that layer separated by spaces.
fn layer_order() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let start = text
        .find("Layer order")
        .expect("ARCHITECTURE.md names the layer order");
    let block = text[start..].split("```").nth(1).unwrap_or_default();
    block
        .lines()
        .skip(1)
        .map(|line| {
            line.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|layer: &Vec<String>| !layer.is_empty())
        .collect()
}

#[test]
fn no_file_is_over_600_lines_before_its_tests() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|s| s.lines_before_tests > MOST_LINES)
        .map(|s| format!("{} ({} lines)", s.file.display(), s.lines_before_tests))
        .collect();
    assert!(long.is_empty(), "over {MOST_LINES} lines: {long:#?}");
}

#[test]
fn every_module_is_in_the_architecture_tree() {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let tree = text
        .split("## The tree")
        .nth(1)
        .and_then(|rest| rest.split("```").nth(1))
        .expect("ARCHITECTURE.md has a tree");
    let missing: Vec<String> = sources()
        .iter()
        .filter(|s| {
            let file = s.file.to_string_lossy().replace('\\', "/");
            let leaf = file.rsplit('/').next().unwrap_or_default();
            let named = match leaf {
                "mod.rs" => {
                    let dir = s.module.last().map(String::as_str).unwrap_or_default();
                    tree.contains(&format!("{dir}/"))
                }
                _ => tree.contains(leaf),
            };
            !named && !s.module.is_empty()
        })
        .map(|s| s.file.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "not in ARCHITECTURE.md's tree: {missing:#?}"
    );
}

#[test]
fn no_module_imports_in_a_circle() {
    let graph = edges(&sources());
    let found: Vec<String> = circles(&graph)
        .iter()
        .map(|group| {
            let names: Vec<String> = group.iter().map(name).collect();
            names.join(" ↔ ")
        })
        .collect();
    assert!(found.is_empty(), "{} circles: {found:#?}", found.len());
}

#[test]
fn top_level_modules_are_used_only_downwards() {
    let layers = layer_order();
    let layer_of = |top: &str| {
        layers
            .iter()
            .position(|layer| layer.iter().any(|m| m == top))
    };
    let sources = sources();
    let tops: BTreeSet<String> = sources
        .iter()
        .filter_map(|s| s.module.first().cloned())
        .collect();
    let unplaced: Vec<&String> = tops.iter().filter(|t| layer_of(t).is_none()).collect();
    assert!(unplaced.is_empty(), "not in the layer order: {unplaced:?}");
    let mut upwards = Vec::new();
    for (from, targets) in edges(&sources) {
        let Some(from_top) = from.first() else {
            continue;
        };
        for to in targets {
            let Some(to_top) = to.first() else {
                continue;
            };
            if from_top != to_top && layer_of(from_top) >= layer_of(to_top) {
                upwards.push(format!("{} → {}", name(&from), name(&to)));
            }
        }
    }
    assert!(upwards.is_empty(), "used upwards or sideways: {upwards:#?}");
}

#[test]
fn paths_are_read_in_groups_and_through_comments() {
    let starts: BTreeSet<String> = ["crate", "super"].map(str::to_owned).into();
    let code = without_comments_and_strings(
        "use crate::{a::b, c::{d, e::F}};\n// crate::not::this\nlet x: super::g::H = \"crate::no\";\nfn f<'a>(c: char) { if c == '\"' { crate::i::j() } }",
    );
    let found: Vec<String> = paths(&code, &starts)
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    assert_eq!(
        found,
        [
            "crate::a::b",
            "crate::c::d",
            "crate::c::e::F",
            "super::g::H",
            "crate::i::j"
        ]
    );
}
