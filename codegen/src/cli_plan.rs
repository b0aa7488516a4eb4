//! The command-line plan: which operations get a command and under which names, which
//! structures and unions need specs and JSON conversions, and every Rust name the CLI emitter
//! writes, decided once here and checked for collisions. `emit::cli` renders it.

use crate::error::{Error, Errors};
use crate::ir::{Binding, Operation, Service, Type};
use crate::model::ShapeId;
use heck::{ToKebabCase, ToSnakeCase};
use std::collections::{BTreeMap, BTreeSet};

/// The command-line client of one service.
#[derive(Debug, Clone)]
pub struct CliPlan {
    /// The package name (`<client crate>-cli`).
    pub package: String,
    /// The binary's name (the client crate's).
    pub binary: String,
    /// The client crate as a Rust path segment.
    pub client: String,
    /// One command per operation that has one, in model order.
    pub commands: Vec<Command>,
    /// Operations without a command, and why.
    pub without_command: Vec<NoCommand>,
    /// Structures and unions reachable from the commands' inputs (they are read from JSON).
    pub input_shapes: BTreeSet<ShapeId>,
    /// Structures and unions reachable from the commands' outputs (they are written as JSON).
    pub output_shapes: BTreeSet<ShapeId>,
    /// The names generated for each reachable structure and union.
    pub shapes: BTreeMap<ShapeId, ShapeNames>,
    /// The command-line option of each member (`endpoint-name` for `--endpoint-name`), by
    /// member index, for the reachable structures and unions and each command's input and
    /// output.
    pub options: BTreeMap<ShapeId, Vec<String>>,
}

/// A subcommand.
#[derive(Debug, Clone)]
pub struct Command {
    /// The operation's index in [`Service::operations`].
    pub operation: usize,
    /// The subcommand (`invoke-endpoint`).
    pub name: String,
    /// `async fn` making the call and writing its output.
    pub call_fn: String,
    /// `fn` setting the canonical input JSON on the fluent builder.
    pub input_fn: String,
    /// `fn` writing the built input back as JSON (the round-trip test).
    pub input_json_fn: String,
    /// The output member written to the `outfile` argument: a payload blob or an event stream.
    pub outfile: Option<usize>,
    /// The outfile is written as the response arrives (an event stream or a streamed blob).
    pub streaming: bool,
}

/// An operation without a subcommand.
#[derive(Debug, Clone)]
pub struct NoCommand {
    /// The operation's name.
    pub operation: String,
    /// The subcommand it would have.
    pub name: String,
    /// Why it has none.
    pub why: &'static str,
}

/// The names generated for one structure or union.
#[derive(Debug, Clone)]
pub struct ShapeNames {
    /// The `static` holding its spec.
    pub spec: String,
    /// `fn` reading it from canonical JSON.
    pub from_json: String,
    /// `fn` writing it as JSON.
    pub to_json: String,
}

impl CliPlan {
    /// The names of a structure or union the plan covers.
    pub fn shape(&self, id: &str) -> &ShapeNames {
        self.shapes.get(id).unwrap_or_else(|| panic!("{id} is not reachable from a command: the CLI plan covers every shape it renders"))
    }

    /// The options of a structure's or union's members, by member index.
    pub fn options(&self, id: &str) -> &[String] {
        self.options.get(id).map_or(&[], Vec::as_slice)
    }
}

/// Operations with an input event stream have no command: a command line has no way to send
/// events while the response arrives (the AWS CLI has no such commands either).
fn why_no_command(svc: &Service, op: &Operation) -> Option<&'static str> {
    svc.structure(&op.input)
        .members
        .iter()
        .any(|m| matches!(m.ty, Type::EventStream { .. }))
        .then_some("its input is an event stream, which a command line cannot send")
}

/// Plans the command-line client of `svc`.
pub fn plan(svc: &Service) -> Result<CliPlan, Errors> {
    let mut plan = CliPlan {
        package: format!("{}-cli", svc.crate_name),
        binary: svc.crate_name.clone(),
        client: svc.crate_name.replace('-', "_"),
        commands: Vec::new(),
        without_command: Vec::new(),
        input_shapes: BTreeSet::new(),
        output_shapes: BTreeSet::new(),
        shapes: BTreeMap::new(),
        options: BTreeMap::new(),
    };
    let mut names = Names::default();
    for (index, op) in svc.operations.iter().enumerate() {
        let name = op.name.to_kebab_case();
        if let Some(why) = why_no_command(svc, op) {
            plan.without_command.push(NoCommand { operation: op.name.clone(), name, why });
            continue;
        }
        let output = svc.structure(&op.output);
        let outfile = output
            .members
            .iter()
            .position(|m| m.binding == Binding::Payload && matches!(m.ty, Type::Blob { .. } | Type::EventStream { .. }));
        let streaming = outfile.is_some_and(|i| matches!(output.members[i].ty, Type::EventStream { .. } | Type::Blob { streaming: true }));
        let input = svc.structure(&op.input);
        plan.commands.push(Command {
            operation: index,
            name,
            call_fn: names.claim(format!("call_{}", op.file), &op.id),
            input_fn: names.claim(format!("input_{}", op.file), &op.id),
            input_json_fn: names.claim(format!("out_input_{}", input.rust_name.to_snake_case()), &op.id),
            outfile,
            streaming,
        });
        for m in &input.members {
            walk(svc, &m.ty, &mut plan.input_shapes);
        }
        for m in &output.members {
            walk(svc, &m.ty, &mut plan.output_shapes);
        }
    }
    let reachable: BTreeSet<ShapeId> = plan.input_shapes.union(&plan.output_shapes).cloned().collect();
    let io = plan.commands.iter().flat_map(|c| {
        let op = &svc.operations[c.operation];
        [op.input.clone(), op.output.clone()]
    });
    for id in reachable.iter().cloned().chain(io) {
        let (rust_name, members) = match (svc.structures.get(&id), svc.unions.get(&id)) {
            (Some(s), _) => (&s.rust_name, &s.members),
            (_, Some(u)) => (&u.rust_name, &u.members),
            _ => continue,
        };
        let mut options = Vec::new();
        let mut seen = BTreeMap::new();
        for m in members {
            let option = m.name.to_kebab_case();
            if let Some(other) = seen.insert(option.clone(), m.name.clone()) {
                names.errors.push(Error::at(
                    format!("{id}${}", m.name),
                    format!("becomes the command-line option `--{option}`, as member `{other}` does"),
                ));
            }
            options.push(option);
        }
        plan.options.insert(id.clone(), options);
        // Specs and conversions are items of their own only for shapes inside the commands'
        // inputs and outputs; the inputs and outputs themselves are handled per command.
        if reachable.contains(&id) {
            let snake = rust_name.to_snake_case();
            let shape = ShapeNames {
                spec: names.claim(format!("SHAPE_{}", rust_name.to_uppercase()), &id),
                from_json: names.claim(format!("in_{snake}"), &id),
                to_json: names.claim(format!("out_{snake}"), &id),
            };
            plan.shapes.insert(id, shape);
        }
    }
    if names.errors.is_empty() {
        Ok(plan)
    } else {
        Err(Errors(names.errors))
    }
}

/// Structures and unions reachable from `ty` (event stream events included).
fn walk(svc: &Service, ty: &Type, seen: &mut BTreeSet<ShapeId>) {
    match ty {
        Type::List(c) | Type::Map(c) => walk(svc, &c.item, seen),
        Type::Structure(id) if seen.insert(id.clone()) => {
            for m in &svc.structure(id).members {
                walk(svc, &m.ty, seen);
            }
        }
        Type::Union(id) | Type::EventStream { union: id, .. } if seen.insert(id.clone()) => {
            for m in &svc.unions[id].members {
                walk(svc, &m.ty, seen);
            }
        }
        _ => {}
    }
}

/// The item names of the generated `main.rs`, each claimed once.
#[derive(Default)]
struct Names {
    owners: BTreeMap<String, String>,
    errors: Vec<Error>,
}

impl Names {
    fn claim(&mut self, name: String, owner: &str) -> String {
        if let Some(other) = self.owners.insert(name.clone(), owner.to_string()) {
            if other != owner {
                self.errors.push(Error::at(owner, format!("its command-line item `{name}` is also {other}'s")));
            }
        }
        name
    }
}
