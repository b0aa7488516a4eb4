//! Paginators (`smithy.api#paginated`) and waiters (`smithy.waiters#waitable`), as lowered from
//! the model: protocol-independent, they name only operations, members and their types.

use crate::model::ShapeId;

/// One step of a member path (`a.b` in a paginated trait): a member of the structure reached so
/// far, with what an emitter needs to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct PathStep {
    /// The Rust field of the member.
    pub field: String,
    /// The field is an `Option`.
    pub optional: bool,
    /// The value is boxed (the member closes a cycle).
    pub boxed: bool,
}

/// The paginator of an operation: the `@paginated` trait of the operation merged over the
/// service's defaults, resolved to members.
#[derive(Debug, Clone, PartialEq)]
pub struct Paginator {
    /// The operation, by name.
    pub operation: String,
    /// `<Op>Paginator`, in `crate::operation::<op>::paginator`.
    pub name: String,
    /// `<Op>PaginatorItems`, when the trait names `items`.
    pub items_name: Option<String>,
    /// The input member the next page's token goes into: its builder setter and getter.
    pub input_token: TokenMember,
    /// The output path the token is read from (`outputToken`, possibly nested).
    pub output_token: Vec<PathStep>,
    /// The token's type can be empty (a string or a collection): an empty token ends the
    /// pagination as an absent one does.
    pub token_can_be_empty: bool,
    /// The input member limiting a page's size (`pageSize`): its builder setter and type.
    pub page_size: Option<PageSize>,
    /// The output path of the items (`items`), and their element type.
    pub items: Option<Items>,
}

/// The input member holding the pagination token.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenMember {
    /// The member's name in the model.
    pub name: String,
    /// The input builder's `set_<field>`.
    pub setter: String,
    /// The input builder's `get_<field>`.
    pub getter: String,
}

/// The input member limiting a page's size.
#[derive(Debug, Clone, PartialEq)]
pub struct PageSize {
    /// The member's name in the model.
    pub name: String,
    /// The input builder's `set_<field>`.
    pub setter: String,
    /// The field, for docs.
    pub field: String,
    /// Its integer type.
    pub ty: super::Type,
}

/// The items of each page (`items`).
#[derive(Debug, Clone, PartialEq)]
pub struct Items {
    /// The member path from the output.
    pub path: Vec<PathStep>,
    /// The collection's type (a list or a map).
    pub ty: super::Type,
}

/// A waiter: one entry of an operation's `smithy.waiters#waitable`.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiter {
    /// The waiter's name in the model, e.g. `CertificateValidated`.
    pub name: String,
    /// The module under `crate::waiters`, e.g. `certificate_validated`.
    pub module: String,
    /// The `Waiters` method, e.g. `wait_until_certificate_validated`.
    pub method: String,
    /// The fluent builder, e.g. `CertificateValidatedFluentBuilder`.
    pub fluent_builder: String,
    /// The success type alias, e.g. `CertificateValidatedFinalPoll`.
    pub final_poll: String,
    /// The error type alias, e.g. `WaitUntilCertificateValidatedError`.
    pub error_alias: String,
    /// The kebab-case name of the command-line `wait` subcommand, e.g. `certificate-validated`.
    pub command: String,
    /// The operation polled, by name.
    pub operation: String,
    /// Documentation (Markdown).
    pub docs: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `minDelay` in seconds (default 2).
    pub min_delay: u64,
    /// `maxDelay` in seconds (default 120).
    pub max_delay: u64,
    /// Acceptors, in the model's order: the first that matches decides.
    pub acceptors: Vec<Acceptor>,
    /// Shapes whose JMESPath view the acceptors read (the operation's output, and its input for
    /// `inputOutput` matchers, and everything they reach).
    pub viewed: Vec<ShapeId>,
}

/// The state an acceptor moves the waiter to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptorState {
    /// The wait ends successfully.
    Success,
    /// The wait ends with a failure-state error.
    Failure,
    /// Poll again.
    Retry,
}

/// One acceptor: a matcher and the state it leads to.
#[derive(Debug, Clone, PartialEq)]
pub struct Acceptor {
    /// The state on a match.
    pub state: AcceptorState,
    /// The matcher.
    pub matcher: Matcher,
}

/// What an acceptor matches (Smithy's `Matcher` union).
#[derive(Debug, Clone, PartialEq)]
pub enum Matcher {
    /// `output`: a JMESPath expression over the output (success responses only).
    Output(PathMatcher),
    /// `inputOutput`: over `{"input": .., "output": ..}` (success responses only).
    InputOutput(PathMatcher),
    /// `success`: `true` matches any success response, `false` any modeled-error response.
    Success(bool),
    /// `errorType`: a modeled-error response with this error code (shape name).
    ErrorType(String),
}

/// A JMESPath expression and its comparison with the expected value.
#[derive(Debug, Clone, PartialEq)]
pub struct PathMatcher {
    /// The expression, as written in the model (checked to parse at generation time).
    pub path: String,
    /// The expected value, as text.
    pub expected: String,
    /// How the result compares with `expected`.
    pub comparator: Comparator,
}

/// Smithy's `PathComparator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// The result is a string equal to `expected`.
    StringEquals,
    /// The result is a boolean equal to `expected` (`true`/`false`).
    BooleanEquals,
    /// The result is a non-empty list whose every element is a string equal to `expected`.
    AllStringEquals,
    /// The result is a list with some element a string equal to `expected`.
    AnyStringEquals,
}
