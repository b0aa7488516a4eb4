//! The command-line client's paginators and waiters: static specs for
//! `smithygen_cli_runtime::paging` (AWS CLI style auto-pagination, `wait <waiter>`), from the
//! same plan as the client's. A service with neither gets none of this, and its `main` is the
//! plain `smithygen_cli_runtime::main`.

use crate::ir::paging::{AcceptorState, Comparator, Matcher, PathStep};
use crate::ir::{Service, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// What `main.rs` differs by: the `PAGING` static (empty without paginators or waiters), the body
/// of `main`, and the expression building the whole clap command (for the consistency test).
pub struct Rendered {
    /// The `PAGING` static.
    pub statics: TokenStream,
    /// The body of `fn main`.
    pub main: TokenStream,
    /// The clap command of the service.
    pub command: TokenStream,
}

/// A member path as the model writes it (`Page.NextMarker`): the members' names.
fn member_path(svc: &Service, from: &str, steps: &[PathStep]) -> String {
    let mut structure = svc.structure(from);
    let mut names = Vec::new();
    for step in steps {
        let m = structure.members.iter().find(|m| m.field == step.field).expect("lowered path");
        names.push(m.name.clone());
        if let Type::Structure(id) = &m.ty {
            structure = svc.structure(id);
        }
    }
    names.join(".")
}

/// The specs, or the plain `main` when the service has no paginator with items and no waiter
/// (the AWS CLI merges pages by their items; without items a command makes one call).
pub fn render(svc: &Service) -> Rendered {
    let paginators: Vec<TokenStream> = svc
        .operations
        .iter()
        .filter_map(|op| {
            let p = svc.paginators.get(&op.name)?;
            let items = p.items.as_ref()?;
            let (name, input_token) = (&op.name, &p.input_token.name);
            let output_token = member_path(svc, &op.output, &p.output_token);
            let items = member_path(svc, &op.output, &items.path);
            let page_size = match &p.page_size {
                Some(size) => {
                    let n = &size.name;
                    quote! { Some(#n) }
                }
                None => quote! { None },
            };
            Some(quote! {
                ::smithygen_cli_runtime::paging::PaginatorSpec {
                    operation: #name, input_token: #input_token, output_token: #output_token, page_size: #page_size, items: #items,
                }
            })
        })
        .collect();
    if paginators.is_empty() && svc.waiters.is_empty() {
        return Rendered {
            statics: TokenStream::new(),
            main: quote! { ::smithygen_cli_runtime::main(&SERVICE, dispatch) },
            command: quote! { ::smithygen_cli_runtime::command(&super::SERVICE) },
        };
    }
    let waiters = svc.waiters.iter().map(|w| {
        let (name, command, operation) = (&w.name, &w.command, &w.operation);
        let docs = w.docs.clone().unwrap_or_default();
        let (min, max) = (w.min_delay, w.max_delay);
        let acceptors = w.acceptors.iter().map(|a| {
            let state = match a.state {
                AcceptorState::Success => quote! { Success },
                AcceptorState::Failure => quote! { Failure },
                AcceptorState::Retry => quote! { Retry },
            };
            let comparator = |c: Comparator| match c {
                Comparator::StringEquals => quote! { StringEquals },
                Comparator::BooleanEquals => quote! { BooleanEquals },
                Comparator::AllStringEquals => quote! { AllStringEquals },
                Comparator::AnyStringEquals => quote! { AnyStringEquals },
            };
            let matcher = match &a.matcher {
                Matcher::Output(pm) | Matcher::InputOutput(pm) => {
                    let (path, expected, c) = (&pm.path, &pm.expected, comparator(pm.comparator));
                    let kind = if matches!(a.matcher, Matcher::Output(_)) { quote! { Output } } else { quote! { InputOutput } };
                    quote! { ::smithygen_cli_runtime::paging::Matcher::#kind(#path, #expected, ::smithygen_cli_runtime::paging::Comparator::#c) }
                }
                Matcher::Success(b) => quote! { ::smithygen_cli_runtime::paging::Matcher::Success(#b) },
                Matcher::ErrorType(code) => quote! { ::smithygen_cli_runtime::paging::Matcher::ErrorType(#code) },
            };
            quote! { ::smithygen_cli_runtime::paging::AcceptorSpec { state: ::smithygen_cli_runtime::paging::State::#state, matcher: #matcher } }
        });
        quote! {
            ::smithygen_cli_runtime::paging::WaiterSpec {
                name: #name, command: #command, operation: #operation, docs: #docs, min_delay: #min, max_delay: #max,
                acceptors: &[#(#acceptors),*],
            }
        }
    });
    Rendered {
        statics: quote! {
            static PAGING: ::smithygen_cli_runtime::paging::Paging = ::smithygen_cli_runtime::paging::Paging {
                paginators: &[#(#paginators),*],
                waiters: &[#(#waiters),*],
            };
        },
        main: quote! { ::smithygen_cli_runtime::main_with_paging(&SERVICE, dispatch, &PAGING) },
        command: quote! { ::smithygen_cli_runtime::command_with_paging(&super::SERVICE, &super::PAGING) },
    }
}

/// The README's lines on pagination and waiters (empty for a service with neither).
pub fn readme(svc: &Service, plan: &crate::cli_plan::CliPlan) -> String {
    let mut s = String::new();
    let paginated: Vec<String> = plan
        .commands
        .iter()
        .filter(|c| svc.paginators.get(&svc.operations[c.operation].name).is_some_and(|p| p.items.is_some()))
        .map(|c| format!("`{}`", c.name))
        .collect();
    if !paginated.is_empty() {
        s.push_str(&format!(
            "\nPaginated commands ({}) fetch every page and print the items merged, as the AWS CLI does: \
`--page-size N` sets each page's size, `--max-items N` stops after N items and prints a `NextToken` to pass to \
`--starting-token`, and `--no-paginate` (or the token or page-size option given by hand) makes one call.\n",
            paginated.join(", ")
        ));
    }
    if !svc.waiters.is_empty() {
        let waiters: Vec<String> = svc.waiters.iter().map(|w| format!("`wait {}` ({})", w.command, w.operation)).collect();
        s.push_str(&format!(
            "\nWaiters: {}. Each takes its operation's options and polls until the resource is in the state \
(exit 0, nothing printed); a failure state, `--max-wait SECONDS` (default 3600) passing or an unexpected error \
exits 255.\n",
            waiters.join(", ")
        ));
    }
    s
}
