//! The two macros behind estreamer-codec's record layouts and record table. They are the
//! codec's own: nothing here is meant to be used directly.
//!
//! * `layouts!`: one per record family (a file of `codec/src/records/`). It takes the family's
//!   layouts and its record rows. Each layout goes to the codec's `layout!` engine whole: a
//!   layout written `from` another gets that one's fields (all, or `until` a field) with fields
//!   inserted `after` named ones and appended at the `end`, so no field is listed twice; every
//!   field whose offset is fixed gets it written at the head of its documentation ("Offset
//!   N:", from the start of the block for block layouts, of the body otherwise), so no offset
//!   is written by hand. Each layout also gets a descriptive alias, `<Name>View` and
//!   `<Name>Repr`. The family's rows and layouts are handed on, through a `macro_rules!` chain,
//!   to
//! * `records_table!`: the record table, built once from every family's rows: the `Record`
//!   enum and the enums of its multi-layout variants, the dispatch on record type and wire
//!   block type, `parts`, the typed visits, the catalogue and the list of every layout.
//!
//! The grammar is in the codec's `records` module documentation.

use std::collections::{BTreeMap, HashMap};

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TS;
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Error, Ident, LitInt, LitStr, Path, Result, Token, braced, bracketed};

mod kw {
    syn::custom_keyword!(family);
    syn::custom_keyword!(record);
    syn::custom_keyword!(name);
    syn::custom_keyword!(block);
    syn::custom_keyword!(series);
    syn::custom_keyword!(from);
    syn::custom_keyword!(until);
    syn::custom_keyword!(after);
    syn::custom_keyword!(end);
    syn::custom_keyword!(fields);
    syn::custom_keyword!(discovery);
    syn::custom_keyword!(with);
    syn::custom_keyword!(layouts);
}

// ---------------------------------------------------------------------------------------------
// Layouts

/// One field: its documentation, name and kind (as the `layout!` engine takes it).
#[derive(Clone)]
struct Field {
    attrs: Vec<Attribute>,
    name: Ident,
    kind: Ident,
    /// `[n]` or `(path)` after the kind.
    arg: TS,
    /// Size on the wire when fixed.
    size: Option<usize>,
}

impl Parse for Field {
    fn parse(input: ParseStream) -> Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let name: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let kind: Ident = input.parse()?;
        let mut arg = TS::new();
        let mut n = None;
        if input.peek(syn::token::Bracket) {
            let inner;
            let b = bracketed!(inner in input);
            let lit: LitInt = inner.parse()?;
            n = Some(lit.base10_parse::<usize>()?);
            let mut g = proc_macro2::Group::new(proc_macro2::Delimiter::Bracket, quote!(#lit));
            g.set_span(b.span.join());
            arg = quote!(#g);
        } else if input.peek(syn::token::Paren) {
            let inner;
            syn::parenthesized!(inner in input);
            let p: Path = inner.parse()?;
            arg = quote!((#p));
        }
        let size = match kind.to_string().as_str() {
            "u8" => Some(1),
            "u16" | "len16" => Some(2),
            "u32" | "i32" | "ipv4" | "block_len" => Some(4),
            "u64" => Some(8),
            "ip16" | "uuid" => Some(16),
            "mac" => Some(6),
            "bytes" => n,
            "string" | "blob" | "text16" | "text32" | "bytes32" | "counted" | "opt_ip16"
            | "block" | "list" => None,
            other => {
                return Err(Error::new(
                    kind.span(),
                    format!("unknown field kind `{other}`"),
                ));
            }
        };
        Ok(Field {
            attrs,
            name,
            kind,
            arg,
            size,
        })
    }
}

fn fields_in(input: ParseStream) -> Result<Vec<Field>> {
    let inner;
    braced!(inner in input);
    let list = Punctuated::<Field, Token![,]>::parse_terminated(&inner)?;
    Ok(list.into_iter().collect())
}

/// How a derived layout changes its base.
enum Edit {
    After(Ident, Vec<Field>),
    End(Vec<Field>),
}

enum Source {
    Fields(Vec<Field>),
    From {
        base: Ident,
        until: Option<Ident>,
        edits: Vec<Edit>,
    },
}

struct LayoutItem {
    attrs: Vec<Attribute>,
    module: Ident,
    name: LitStr,
    /// `Some(N)` or `None`, as written.
    block: TS,
    is_block: bool,
    series: Ident,
    source: Source,
}

/// After `mod NAME;` has been read.
fn parse_layout(attrs: Vec<Attribute>, module: Ident, input: ParseStream) -> Result<LayoutItem> {
    input.parse::<kw::name>()?;
    input.parse::<Token![=]>()?;
    let name: LitStr = input.parse()?;
    input.parse::<Token![,]>()?;
    input.parse::<kw::block>()?;
    input.parse::<Token![=]>()?;
    let block: syn::Expr = input.parse()?;
    let is_block = !matches!(&block, syn::Expr::Path(p) if p.path.is_ident("None"));
    input.parse::<Token![,]>()?;
    input.parse::<kw::series>()?;
    input.parse::<Token![=]>()?;
    let series: Ident = input.parse()?;
    input.parse::<Token![;]>()?;
    let source = if input.peek(kw::from) {
        input.parse::<kw::from>()?;
        let base: Ident = input.parse()?;
        let mut until = None;
        let mut edits = Vec::new();
        if input.peek(kw::until) {
            input.parse::<kw::until>()?;
            until = Some(input.parse()?);
            input.parse::<Token![;]>()?;
        } else {
            let inner;
            braced!(inner in input);
            while !inner.is_empty() {
                if inner.peek(kw::after) {
                    inner.parse::<kw::after>()?;
                    let at: Ident = inner.parse()?;
                    edits.push(Edit::After(at, fields_in(&inner)?));
                } else if inner.peek(kw::until) {
                    inner.parse::<kw::until>()?;
                    until = Some(inner.parse()?);
                    inner.parse::<Token![;]>()?;
                } else {
                    inner.parse::<kw::end>()?;
                    edits.push(Edit::End(fields_in(&inner)?));
                }
            }
        }
        Source::From { base, until, edits }
    } else {
        Source::Fields(fields_in(input)?)
    };
    Ok(LayoutItem {
        attrs,
        module,
        name,
        block: quote!(#block),
        is_block,
        series,
        source,
    })
}

/// The field list of a layout, its base's resolved first.
fn resolve(item: &LayoutItem, done: &HashMap<String, Vec<Field>>) -> Result<Vec<Field>> {
    match &item.source {
        Source::Fields(f) => Ok(f.clone()),
        Source::From { base, until, edits } => {
            let mut fields = done.get(&base.to_string()).cloned().ok_or_else(|| {
                Error::new(
                    base.span(),
                    format!("no layout `{base}` above in this family to build on"),
                )
            })?;
            if let Some(u) = until {
                let i = fields
                    .iter()
                    .position(|f| f.name == *u)
                    .ok_or_else(|| Error::new(u.span(), format!("`{base}` has no field `{u}`")))?;
                fields.truncate(i + 1);
            }
            for e in edits {
                match e {
                    Edit::After(at, new) => {
                        let i = fields.iter().position(|f| f.name == *at).ok_or_else(|| {
                            Error::new(at.span(), format!("`{base}` has no field `{at}`"))
                        })?;
                        let tail = fields.split_off(i + 1);
                        fields.extend(new.iter().cloned());
                        fields.extend(tail);
                    }
                    Edit::End(new) => fields.extend(new.iter().cloned()),
                }
            }
            Ok(fields)
        }
    }
}

/// The first doc line's text, for checks.
fn first_doc(attrs: &[Attribute]) -> Option<(usize, String)> {
    attrs
        .iter()
        .enumerate()
        .find_map(|(i, a)| doc_text(a).map(|t| (i, t)))
}

fn doc_text(a: &Attribute) -> Option<String> {
    if !a.path().is_ident("doc") {
        return None;
    }
    match &a.meta {
        syn::Meta::NameValue(nv) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

/// `field` with "Offset N: " at the head of its documentation when `offset` is known.
fn documented(field: &Field, offset: Option<usize>, layout: &Ident) -> Result<TS> {
    let mut attrs = field.attrs.clone();
    let Some((i, text)) = first_doc(&attrs) else {
        return Err(Error::new(
            field.name.span(),
            format!("field `{}` of `{layout}` has no documentation", field.name),
        ));
    };
    if text.trim_start().starts_with("Offset ") {
        return Err(Error::new(
            field.name.span(),
            "write no offset by hand: `layouts!` writes every fixed field's offset",
        ));
    }
    if let Some(p) = offset {
        let line = format!(" Offset {p}: {}", text.trim_start());
        attrs[i] = syn::parse_quote!(#[doc = #line]);
    }
    let (name, kind, arg) = (&field.name, &field.kind, &field.arg);
    let doc = doc_of(&field.attrs);
    Ok(quote! { #(#attrs)* #name : #kind #arg => #doc })
}

/// The documentation of `attrs` as one paragraph (lines joined with spaces).
fn doc_of(attrs: &[Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter_map(doc_text)
        .map(|l| l.trim().to_string())
        .collect();
    lines.join(" ").trim().to_string()
}

/// `snake_case` to `CamelCase`.
fn camel(s: &str) -> String {
    s.split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// `CamelCase` to `SCREAMING_SNAKE_CASE`.
fn screaming(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(ch.to_uppercase());
    }
    out
}

fn emit_layout(item: &LayoutItem, fields: &[Field]) -> Result<TS> {
    let mut offset = Some(if item.is_block { 8 } else { 0 });
    let mut out = Vec::new();
    for f in fields {
        out.push(documented(f, offset, &item.module)?);
        offset = match (offset, f.size) {
            (Some(p), Some(s)) => Some(p + s),
            _ => None,
        };
    }
    let LayoutItem {
        attrs,
        module,
        name,
        block,
        series,
        ..
    } = item;
    let view = format_ident!("{}View", camel(&module.to_string()));
    let repr = format_ident!("{}Repr", camel(&module.to_string()));
    let view_doc = format!(
        " The typed view of layout `{}` (`{module}::View`); what it is:",
        name.value()
    );
    let repr_doc = format!(
        " The owned, encodable form of layout `{}` (`{module}::Repr`).",
        name.value()
    );
    let docs: Vec<&Attribute> = attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
    let doc = doc_of(attrs);
    Ok(quote! {
        layout! {
            #(#attrs)*
            mod #module;
            name = #name, block = #block, series = #series, doc = #doc;
            { #(#out),* }
        }
        #[doc = #view_doc]
        #[doc = ""]
        #(#docs)*
        pub type #view<'a> = #module::View<'a>;
        #[doc = #repr_doc]
        pub type #repr<'a> = #module::Repr<'a>;
    })
}

// ---------------------------------------------------------------------------------------------
// Record rows

/// A layout a row names: one of the family's (`name`) or another family's (`family::name`).
#[derive(Clone)]
struct LayoutRef(Path);

impl LayoutRef {
    /// The path from the crate root.
    fn full(&self, family: &Ident) -> TS {
        let p = &self.0;
        if p.segments.len() == 1 {
            quote!(crate::records::#family::#p)
        } else {
            quote!(crate::records::#p)
        }
    }

    fn last(&self) -> String {
        self.0
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default()
    }
}

#[derive(Clone)]
enum ShapeKind {
    /// `fields L`: the body is the layout's fields.
    Fields(LayoutRef),
    /// `block L` / `block [L, ...]`: one block, dispatched on its type.
    Blocks(Vec<LayoutRef>),
    /// `block { V L, ... }`: one block, each layout a variant of the record's own enum.
    Typed(Vec<(Ident, LayoutRef)>),
}

#[derive(Clone)]
struct RecordItem {
    attrs: Vec<Attribute>,
    types: Vec<(LitInt, LitStr)>,
    variant: Option<Ident>,
    with_type: bool,
    discovery: bool,
    shape: ShapeKind,
}

impl RecordItem {
    fn layouts(&self) -> Vec<&LayoutRef> {
        match &self.shape {
            ShapeKind::Fields(l) => vec![l],
            ShapeKind::Blocks(ls) => ls.iter().collect(),
            ShapeKind::Typed(ls) => ls.iter().map(|(_, l)| l).collect(),
        }
    }
}

/// After `record` has been read.
fn parse_record(attrs: Vec<Attribute>, input: ParseStream) -> Result<RecordItem> {
    let mut types = Vec::new();
    loop {
        let n: LitInt = input.parse()?;
        let s: LitStr = input.parse()?;
        types.push((n, s));
        if !input.peek(Token![,]) {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    let mut variant = None;
    let mut with_type = false;
    if input.peek(Token![as]) {
        input.parse::<Token![as]>()?;
        variant = Some(input.parse::<Ident>()?);
        if input.peek(kw::with) {
            input.parse::<kw::with>()?;
            input.parse::<Token![type]>()?;
            with_type = true;
        }
    }
    input.parse::<Token![:]>()?;
    let discovery = if input.peek(kw::discovery) {
        input.parse::<kw::discovery>()?;
        true
    } else {
        false
    };
    let shape = if input.peek(kw::fields) {
        input.parse::<kw::fields>()?;
        ShapeKind::Fields(LayoutRef(input.parse()?))
    } else {
        input.parse::<kw::block>()?;
        if input.peek(syn::token::Bracket) {
            let inner;
            bracketed!(inner in input);
            let list = Punctuated::<Path, Token![,]>::parse_terminated(&inner)?;
            ShapeKind::Blocks(list.into_iter().map(LayoutRef).collect())
        } else if input.peek(syn::token::Brace) {
            let inner;
            braced!(inner in input);
            let mut arms = Vec::new();
            while !inner.is_empty() {
                let v: Ident = inner.parse()?;
                let l: Path = inner.parse()?;
                arms.push((v, LayoutRef(l)));
                if inner.peek(Token![,]) {
                    inner.parse::<Token![,]>()?;
                }
            }
            ShapeKind::Typed(arms)
        } else {
            ShapeKind::Blocks(vec![LayoutRef(input.parse()?)])
        }
    };
    input.parse::<Token![;]>()?;
    if matches!(shape, ShapeKind::Typed(_)) && variant.is_none() {
        return Err(input.error("a `block { V L, ... }` row needs `as Variant`"));
    }
    Ok(RecordItem {
        attrs,
        types,
        variant,
        with_type,
        discovery,
        shape,
    })
}

// ---------------------------------------------------------------------------------------------
// layouts!

struct Family {
    name: Ident,
    layouts: Vec<LayoutItem>,
    /// Each row and the tokens it was written with (handed on to the table).
    records: Vec<(RecordItem, TS)>,
}

impl Parse for Family {
    fn parse(input: ParseStream) -> Result<Self> {
        input.parse::<kw::family>()?;
        let name: Ident = input.parse()?;
        input.parse::<Token![;]>()?;
        let mut layouts = Vec::new();
        let mut records = Vec::new();
        while !input.is_empty() {
            let attrs = input.call(Attribute::parse_outer)?;
            if input.peek(Token![mod]) {
                input.parse::<Token![mod]>()?;
                let module: Ident = input.parse()?;
                input.parse::<Token![;]>()?;
                layouts.push(parse_layout(attrs, module, input)?);
            } else {
                input.parse::<kw::record>()?;
                let start = input.fork();
                let r = parse_record(attrs.clone(), input)?;
                // The row's own tokens, between `record` and where parsing stopped.
                let mut tokens = TS::new();
                let mut cursor = start.cursor();
                let end = input.cursor();
                while cursor != end {
                    let Some((tt, next)) = cursor.token_tree() else {
                        break;
                    };
                    tokens.extend(std::iter::once(tt));
                    cursor = next;
                }
                records.push((r, quote!(#(#attrs)* record #tokens)));
            }
        }
        Ok(Family {
            name,
            layouts,
            records,
        })
    }
}

/// A record family: its layouts and record rows (see the crate documentation).
#[proc_macro]
pub fn layouts(input: TokenStream) -> TokenStream {
    let family = syn::parse_macro_input!(input as Family);
    match expand_family(&family) {
        Ok(ts) => ts.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand_family(f: &Family) -> Result<TS> {
    let mut done: HashMap<String, Vec<Field>> = HashMap::new();
    let mut out = TS::new();
    let mut names = Vec::new();
    for l in &f.layouts {
        let fields = resolve(l, &done)?;
        out.extend(emit_layout(l, &fields)?);
        done.insert(l.module.to_string(), fields);
        names.push(l.module.clone());
    }
    for (r, _) in &f.records {
        for l in r.layouts() {
            if l.0.segments.len() == 1 && !done.contains_key(&l.last()) {
                return Err(Error::new_spanned(
                    &l.0,
                    format!("no layout `{}` in family `{}`", l.last(), f.name),
                ));
            }
        }
    }
    let family = &f.name;
    let chain = format_ident!("__records_{}", family);
    let rows = f.records.iter().map(|(_, t)| t);
    let doc = format!(" Every layout of the `{family}` family, in the order of its definitions.");
    out.extend(quote! {
        #[doc = #doc]
        pub static LAYOUTS: &[&crate::layout::Layout] = &[#(&#names::LAYOUT),*];

        // The family's rows, handed on to the next macro of the chain that ends in the record
        // table (`records/mod.rs`).
        #[doc(hidden)]
        macro_rules! #chain {
            ([$next:ident $(, $rest:ident)*] $($acc:tt)*) => {
                $next! { [$($rest),*] $($acc)* family #family { #(#rows)* } layouts { #(#names),* } }
            };
        }
    });
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// records_table!

struct Table {
    families: Vec<(Ident, Vec<RecordItem>, Vec<Ident>)>,
}

impl Parse for Table {
    fn parse(input: ParseStream) -> Result<Self> {
        let empty;
        bracketed!(empty in input);
        let mut families = Vec::new();
        while !input.is_empty() {
            input.parse::<kw::family>()?;
            let name: Ident = input.parse()?;
            let inner;
            braced!(inner in input);
            let mut rows = Vec::new();
            while !inner.is_empty() {
                let attrs = inner.call(Attribute::parse_outer)?;
                inner.parse::<kw::record>()?;
                rows.push(parse_record(attrs, &inner)?);
            }
            input.parse::<kw::layouts>()?;
            let inner;
            braced!(inner in input);
            let names = Punctuated::<Ident, Token![,]>::parse_terminated(&inner)?;
            families.push((name, rows, names.into_iter().collect()));
        }
        Ok(Table { families })
    }
}

/// The record table, from every family's rows (see the crate documentation).
#[proc_macro]
pub fn records_table(input: TokenStream) -> TokenStream {
    let table = syn::parse_macro_input!(input as Table);
    match expand_table(&table) {
        Ok(ts) => ts.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// A typed row, resolved.
struct Typed<'r> {
    row: &'r RecordItem,
    variant: &'r Ident,
    /// The view of each layout, with the name of its variant in the record's own enum (`None`
    /// for a single-layout record without one).
    arms: Vec<(Option<Ident>, TS)>,
}

impl Typed<'_> {
    /// The record's own type for a multi-layout variant: its enum, or for a discovery record the
    /// struct of the header and the block.
    fn own(&self) -> Option<Ident> {
        if self.row.discovery {
            Some(format_ident!("{}Event", self.variant))
        } else if matches!(self.row.shape, ShapeKind::Typed(_)) {
            Some(self.variant.clone())
        } else {
            None
        }
    }

    fn block_enum(&self) -> Ident {
        if self.row.discovery {
            format_ident!("{}Block", self.variant)
        } else {
            self.variant.clone()
        }
    }

    /// `Record::V(...)` around `inner`.
    fn wrap(&self, inner: TS) -> TS {
        let v = self.variant;
        if self.row.with_type {
            quote!(Record::#v(t, #inner))
        } else {
            quote!(Record::#v(#inner))
        }
    }

    /// The pattern binding the record's payload as `x`.
    fn pat(&self) -> TS {
        let v = self.variant;
        if self.row.with_type {
            quote!(Record::#v(_, x))
        } else {
            quote!(Record::#v(x))
        }
    }
}

fn block_const(path: &TS, name: &str) -> (Ident, TS) {
    let c = format_ident!("__BLOCK_{}", name.to_uppercase());
    (
        c.clone(),
        quote! {
            const #c: u32 = match #path::LAYOUT.block_type {
                Some(b) => b,
                None => u32::MAX,
            };
        },
    )
}

/// A block row's arms: the block type's constant and the record it decodes to.
type BlockArms = Vec<(Ident, TS)>;

fn expand_table(t: &Table) -> Result<TS> {
    let mut variants = Vec::new();
    let mut own_types = Vec::new();
    // The dispatch: rows whose body is fields (or the discovery header first), rows whose
    // body is one block (parsed once, then matched on record and block type), generic rows
    // (their shape, decoded by one call).
    let mut arms: Vec<(Vec<u64>, TS)> = Vec::new();
    let mut block_rows: Vec<(Vec<u64>, BlockArms)> = Vec::new();
    let mut generic_rows: Vec<(Vec<u64>, Ident)> = Vec::new();
    let mut consts = Vec::new();
    let mut seen_consts: BTreeMap<String, ()> = BTreeMap::new();
    let mut entries: BTreeMap<u64, TS> = BTreeMap::new();
    let mut type_lists = Vec::new();
    let mut all_layouts = Vec::new();
    let mut typed_rows: Vec<Typed> = Vec::new();
    let mut shape_consts = Vec::new();

    for (family, rows, names) in &t.families {
        for n in names {
            all_layouts.push(quote!(&crate::records::#family::#n::LAYOUT));
        }
        for (ri, row) in rows.iter().enumerate() {
            let paths: Vec<TS> = row.layouts().iter().map(|l| l.full(family)).collect();
            for (l, p) in row.layouts().iter().zip(&paths) {
                let key = format!("{family}_{}", l.last());
                if seen_consts.insert(key.clone(), ()).is_none() {
                    let (_, c) = block_const(p, &key);
                    consts.push(c);
                }
            }
            let consts_of: Vec<Ident> = row
                .layouts()
                .iter()
                .map(|l| {
                    format_ident!(
                        "__BLOCK_{}",
                        format!("{family}_{}", l.last()).to_uppercase()
                    )
                })
                .collect();
            // The catalogue shape.
            let refs = quote!(#(&#paths::LAYOUT),*);
            let shape = match (&row.shape, row.discovery) {
                (ShapeKind::Fields(_), false) => quote!(Shape::Body(#(&#paths::LAYOUT)*)),
                (ShapeKind::Fields(_), true) => quote!(Shape::DiscoveryBody(#(&#paths::LAYOUT)*)),
                (_, false) => quote!(Shape::Block(&[#refs])),
                (_, true) => quote!(Shape::DiscoveryBlock(&[#refs])),
            };
            let shape_const = format_ident!("__SHAPE_{}_{}", family.to_string().to_uppercase(), ri);
            shape_consts.push(quote!(const #shape_const: Shape = #shape;));
            let variant_name = match &row.variant {
                Some(v) => {
                    let s = v.to_string();
                    quote!(Some(#s))
                }
                None => quote!(None),
            };
            for (n, name) in &row.types {
                let v = n.base10_parse::<u64>()?;
                if entries
                    .insert(
                        v,
                        quote!(Entry { record_type: #n, name: #name, shape: #shape_const, variant: #variant_name }),
                    )
                    .is_some()
                {
                    return Err(Error::new(n.span(), format!("record {v} is in the table twice")));
                }
            }
            let numbers: Vec<&LitInt> = row.types.iter().map(|(n, _)| n).collect();
            let values = numbers
                .iter()
                .map(|n| n.base10_parse::<u64>())
                .collect::<Result<Vec<u64>>>()?;
            let Some(variant) = &row.variant else {
                generic_rows.push((values, shape_const));
                continue;
            };
            if row.with_type {
                let list = format_ident!("{}_RECORDS", screaming(&variant.to_string()));
                let doc = format!(" The record types of [`Record::{variant}`].");
                type_lists.push(quote!(#[doc = #doc] pub const #list: &[u32] = &[#(#numbers),*];));
            }
            let typed_arms: Vec<(Option<Ident>, TS)> = match &row.shape {
                ShapeKind::Typed(a) => a
                    .iter()
                    .zip(&paths)
                    .map(|((v, _), p)| (Some(v.clone()), p.clone()))
                    .collect(),
                _ if row.discovery => row
                    .layouts()
                    .iter()
                    .zip(&paths)
                    .map(|(l, p)| (Some(format_ident!("{}", camel(&l.last()))), p.clone()))
                    .collect(),
                _ => paths.iter().map(|p| (None, p.clone())).collect(),
            };
            let typed = Typed {
                row,
                variant,
                arms: typed_arms,
            };
            let attrs = &row.attrs;
            // The variant and its payload types.
            let payload = match typed.own() {
                Some(own) => quote!(#own<'a>),
                None => {
                    let p = &typed.arms[0].1;
                    quote!(#p::View<'a>)
                }
            };
            if row.with_type {
                variants.push(quote!(#(#attrs)* #variant(RecordType, #payload),));
            } else {
                variants.push(quote!(#(#attrs)* #variant(#payload),));
            }
            if let Some(own) = typed.own() {
                let en = typed.block_enum();
                let vs: Vec<TS> = typed
                    .arms
                    .iter()
                    .zip(&consts_of)
                    .map(|((v, p), _)| {
                        let doc = format!(
                            " Layout `{}`.",
                            p.to_string().rsplit(' ').next().unwrap_or("")
                        );
                        quote!(#[doc = #doc] #v(#p::View<'a>),)
                    })
                    .collect();
                let bt: Vec<TS> = typed
                    .arms
                    .iter()
                    .zip(&consts_of)
                    .map(|((v, _), c)| quote!(#en::#v(_) => #c,))
                    .collect();
                let en_doc = format!(
                    " The layouts of [`Record::{variant}`], by the block type on the wire."
                );
                if row.discovery {
                    let hdr = quote!(crate::records::discovery::discovery_header);
                    let parse_arms: Vec<TS> = typed
                        .arms
                        .iter()
                        .zip(&consts_of)
                        .map(|((v, p), c)| quote!(#c => #en::#v(#p::View::parse(d, o)?),))
                        .collect();
                    let st_doc = format!(
                        " [`Record::{variant}`]: the discovery event header, then one block of the type its wire type names."
                    );
                    own_types.push(quote! {
                        #[doc = #st_doc]
                        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
                        pub struct #own<'a> {
                            /// The discovery event header (40 or 56 bytes).
                            pub header: #hdr::View<'a>,
                            /// The block.
                            pub block: #en<'a>,
                        }

                        #[doc = #en_doc]
                        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
                        #[non_exhaustive]
                        pub enum #en<'a> {
                            #(#vs)*
                            /// A block type with no layout here: raw.
                            Raw(crate::block::Block<'a>),
                        }

                        impl<'a> #own<'a> {
                            fn parse(body: &'a [u8], base: usize) -> Result<Self, DecodeError> {
                                let header = #hdr::View::parse(body, base)?;
                                let rest = header.trailing();
                                let at = base + (body.len() - rest.len());
                                let b = crate::block::Block::parse_exact(rest, at)?;
                                let (d, o) = (b.data, b.data_offset());
                                let block = match b.block_type {
                                    #(#parse_arms)*
                                    _ => #en::Raw(b),
                                };
                                Ok(#own { header, block })
                            }
                        }

                        impl #en<'_> {
                            /// The block type on the wire.
                            pub const fn block_type(&self) -> u32 {
                                match self {
                                    #(#bt)*
                                    #en::Raw(b) => b.block_type,
                                }
                            }
                        }
                    });
                    let wrapped = typed.wrap(quote!(#own::parse(body, base)?));
                    arms.push((values, wrapped));
                } else {
                    own_types.push(quote! {
                        #(#attrs)*
                        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
                        #[non_exhaustive]
                        pub enum #own<'a> {
                            #(#vs)*
                        }

                        impl #own<'_> {
                            /// The block type on the wire.
                            pub const fn block_type(&self) -> u32 {
                                match self {
                                    #(#bt)*
                                }
                            }
                        }
                    });
                    let mut by_block = Vec::new();
                    for ((v, p), c) in typed.arms.iter().zip(&consts_of) {
                        let w = typed.wrap(quote!(#own::#v(#p::View::parse(d, o)?)));
                        by_block.push((c.clone(), w));
                    }
                    block_rows.push((values, by_block));
                }
            } else {
                let p = &typed.arms[0].1;
                match &row.shape {
                    ShapeKind::Fields(_) => {
                        let w = typed.wrap(quote!(#p::View::parse(body, base)?));
                        arms.push((values, w));
                    }
                    ShapeKind::Blocks(ls) if ls.len() > 1 => {
                        return Err(Error::new_spanned(
                            &ls[1].0,
                            "a typed row of several block layouts names a variant for each: `block { V L, ... }`",
                        ));
                    }
                    _ => {
                        let c = &consts_of[0];
                        let w = typed.wrap(quote!(#p::View::parse(d, o)?));
                        block_rows.push((values, vec![(c.clone(), w)]));
                    }
                }
            }
            typed_rows.push(typed);
        }
    }

    // Each typed main view: the arms of a match over `self` that run `each(view path, view)`.
    let main_arms = |each: &dyn Fn(&TS) -> TS, raw: TS| -> Vec<TS> {
        let mut out = Vec::new();
        for ty in &typed_rows {
            let pat = ty.pat();
            match ty.own() {
                None => {
                    let body = each(&ty.arms[0].1);
                    out.push(quote!(#pat => { let v = x; #body }));
                }
                Some(own) => {
                    let en = ty.block_enum();
                    let inner: Vec<TS> = ty
                        .arms
                        .iter()
                        .map(|(v, p)| {
                            let body = each(p);
                            quote!(#en::#v(v) => { #body })
                        })
                        .collect();
                    if ty.row.discovery {
                        out.push(quote!(#pat => match &x.block { #(#inner)* #en::Raw(_) => #raw }));
                    } else {
                        let _ = own;
                        out.push(quote!(#pat => match x { #(#inner)* }));
                    }
                }
            }
        }
        out
    };
    let parts_arms = main_arms(
        &|p| quote!(RecordParts { layout: &#p::LAYOUT, bytes: v.bytes(), offset: v.offset() }),
        quote!(return None),
    );
    let visit_arms = main_arms(
        &|_| quote!(v.visit_data(f); Some(Walked { end: v.fields_len() })),
        quote!(None),
    );
    let visit_indexed_arms = main_arms(
        &|_| quote!(v.visit_data_indexed(f); Some(Walked { end: v.fields_len() })),
        quote!(None),
    );
    let dyn_arms = main_arms(&|_| quote!(f(v)), quote!({}));
    let raw_arms: Vec<TS> = typed_rows
        .iter()
        .filter(|ty| ty.row.discovery)
        .map(|ty| {
            let pat = ty.pat();
            let en = ty.block_enum();
            quote!(#pat => match &x.block { #en::Raw(b) => Some(*b), _ => None },)
        })
        .collect();
    let prefix_arms: Vec<TS> = typed_rows
        .iter()
        .filter(|ty| ty.row.discovery)
        .map(|ty| ty.pat())
        .collect();
    // Every record type's row: typed rows of fields first, then typed block rows, then generic
    // rows, numbered from 1 (0: no row). One table lookup and one dense match dispatch a record,
    // however many rows the table has.
    let max = arms
        .iter()
        .map(|(v, _)| v)
        .chain(block_rows.iter().map(|(v, _)| v))
        .chain(generic_rows.iter().map(|(v, _)| v))
        .flatten()
        .copied()
        .max()
        .unwrap_or(0);
    let rows = arms.len() + block_rows.len() + generic_rows.len();
    if rows > 255 {
        return Err(Error::new(
            proc_macro2::Span::call_site(),
            "more than 255 rows",
        ));
    }
    if max > 65_535 {
        return Err(Error::new(
            proc_macro2::Span::call_site(),
            "a record type above 65535",
        ));
    }
    let mut row_of = vec![0u8; max as usize + 1];
    let mut next = 1u8;
    // Each typed row decodes in a function of its own, which writes its record straight into
    // the result; `#[inline]` leaves the compiler free to merge them back into the dispatch.
    let mut field_arms = Vec::new();
    let mut row_fns = Vec::new();
    let row_attr = quote!(#[inline]);
    for (values, expr) in &arms {
        for &v in values {
            row_of[v as usize] = next;
        }
        let f = format_ident!("__row_{}", next);
        field_arms.push(quote!(#next => Self::#f(t, body, base),));
        row_fns.push(quote! {
            #row_attr
            #[allow(unused_variables)]
            fn #f(t: RecordType, body: &'a [u8], base: usize) -> Result<Record<'a>, DecodeError> {
                Ok(#expr)
            }
        });
        next += 1;
    }
    for (values, by_block) in &block_rows {
        for &v in values {
            row_of[v as usize] = next;
        }
        let f = format_ident!("__row_{}", next);
        field_arms.push(quote!(#next => Self::#f(t, body, base),));
        let inner: Vec<TS> = by_block
            .iter()
            .map(|(c, expr)| quote!(#c => #expr,))
            .collect();
        row_fns.push(quote! {
            #row_attr
            #[allow(unused_variables)]
            fn #f(t: RecordType, body: &'a [u8], base: usize) -> Result<Record<'a>, DecodeError> {
                let b = crate::block::Block::parse_exact(body, base)?;
                let (d, o) = (b.data, b.data_offset());
                Ok(match b.block_type {
                    #(#inner)*
                    _ => Record::RawBlock(t, b),
                })
            }
        });
        next += 1;
    }

    let generic_first = next;
    let mut generic_shapes = Vec::new();
    for (values, shape) in &generic_rows {
        for &v in values {
            row_of[v as usize] = next;
        }
        generic_shapes.push(quote!(&#shape));
        next += 1;
    }
    let generic_last = next - 1;
    let row_len = row_of.len();
    let generic_len = generic_shapes.len();

    let entries = entries.values();
    Ok(quote! {
        #(#consts)*
        #(#shape_consts)*

        /// The row of each record type (its index + 1), 0 for none.
        static __ROW_OF: [u8; #row_len] = [#(#row_of),*];
        /// The shapes of the generic rows, in row order.
        static __GENERIC_SHAPES: [&Shape; #generic_len] = [#(#generic_shapes),*];

        /// A decoded record: a typed view for the records of every family's table rows that name
        /// a variant, [`Record::Generic`] for the others, raw for the rest.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Record<'a> {
            #(#variants)*
            /// A record type of the catalogue without a typed variant: its fields, walked
            /// through its layout.
            Generic(Generic<'a>),
            /// A known record type whose body is a block of a type this crate has no layout
            /// for: the block, raw.
            RawBlock(RecordType, crate::block::Block<'a>),
            /// A record type this crate has no layout for: the body, raw.
            Unknown(RecordType, &'a [u8]),
        }

        #(#own_types)*

        #(#type_lists)*

        /// Every record type the table decodes, sorted by record type.
        pub static CATALOGUE: &[Entry] = &[#(#entries),*];

        /// Every layout of every family (a family's nested blocks and list items included).
        pub static LAYOUTS: &[&crate::layout::Layout] = &[#(#all_layouts),*];

        impl<'a> Record<'a> {
            /// Decodes a record body of type `t` whose first byte is at absolute offset `base`.
            /// Records whose body is a block are dispatched on the block type found on the wire,
            /// never on a configured version.
            // Rows list their record types one by one, as the table does.
            #[allow(clippy::manual_range_patterns)]
            #[inline]
            pub fn decode_body(t: RecordType, body: &'a [u8], base: usize) -> Result<Record<'a>, DecodeError> {
                let row = match __ROW_OF.get(t.0 as usize) {
                    Some(&r) => r,
                    None => 0,
                };
                match row {
                    #(#field_arms)*
                    #generic_first..=#generic_last => {
                        let shape = match __GENERIC_SHAPES.get(usize::from(row - #generic_first)) {
                            Some(s) => *s,
                            None => return Ok(Record::Unknown(t, body)),
                        };
                        Ok(Record::Generic(Generic::decode(t, shape, body, base)?))
                    }
                    _ => Ok(Record::Unknown(t, body)),
                }
            }

            /// The layout, the bytes its fields cover and their absolute offset: what a generic
            /// consumer (JSON, catalogue) needs to walk the main part's fields. `None` for raw
            /// records and raw blocks.
            pub fn parts(&self) -> Option<RecordParts<'a>> {
                Some(match self {
                    #(#parts_arms)*
                    Record::Generic(g) => return g.main.ok(),
                    Record::RawBlock(..) | Record::Unknown(..) => return None,
                })
            }

            /// Calls `f(name, value)` for every data field of the record's main part: the same
            /// fields, values and order as [`parts`](Self::parts)`.for_each(f)`, read for the
            /// typed variants through the view's accessors (validated when the record was
            /// decoded) instead of walking the layout again. Returns where the fields end
            /// within [`RecordParts::bytes`], or `None` without parts or when a generic walk
            /// fails.
            #[inline]
            pub fn visit_fields(&self, f: impl FnMut(&'static str, crate::layout::Value<'a>)) -> Option<Walked> {
                match self {
                    #(#visit_arms)*
                    Record::Generic(g) => g.main.ok()?.for_each(f).ok(),
                    Record::RawBlock(..) | Record::Unknown(..) => None,
                }
            }

            /// [`visit_fields`](Self::visit_fields) with each field's index in the layout's
            /// fields ([`RecordParts::layout`]) instead of its name.
            #[inline]
            pub fn visit_fields_indexed(&self, f: impl FnMut(usize, crate::layout::Value<'a>)) -> Option<Walked> {
                match self {
                    #(#visit_indexed_arms)*
                    Record::Generic(g) => g.main.ok()?.for_each_indexed(f).ok(),
                    Record::RawBlock(..) | Record::Unknown(..) => None,
                }
            }

            /// Calls `f` with each typed view of the record, as a
            /// [`TypedView`](crate::layout::TypedView): the discovery event header first for
            /// the records that start with one, then the main part (nothing for generic and raw
            /// records).
            pub fn for_each_view(&self, mut f: impl FnMut(&dyn crate::layout::TypedView<'a>)) {
                if let Some(h) = self.typed_header() {
                    f(h);
                }
                match self {
                    #(#dyn_arms)*
                    Record::Generic(_) | Record::RawBlock(..) | Record::Unknown(..) => {}
                }
            }

            /// The discovery event header of a typed record that has one.
            fn typed_header(&self) -> Option<&crate::records::discovery::discovery_header::View<'a>> {
                match self {
                    #(#prefix_arms => Some(&x.header),)*
                    _ => None,
                }
            }

            #(#row_fns)*

            /// The raw block of a known record whose block type has no layout here.
            pub fn raw_block(&self) -> Option<crate::block::Block<'a>> {
                match self {
                    #(#raw_arms)*
                    Record::Generic(g) => g.main.err(),
                    Record::RawBlock(_, b) => Some(*b),
                    _ => None,
                }
            }
        }
    })
}
