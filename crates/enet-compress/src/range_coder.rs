//! `COMPRESS_RANGE_CODER`: ENet's own adaptive order-2 PPM range coder.
//!
//! A port of ENet's `compress.c` (unchanged from 1.3.x through 1.3.18, the ENet Godot vendors;
//! `enet_host_compress_with_range_coder` installs it). The output is byte for byte what ENet's C
//! code writes (tests/reference_c.rs checks it against the C file), with ENet's C integer
//! semantics kept: 16-bit counts and totals wrap, the 32-bit range arithmetic wraps, a decoded
//! code is truncated to 16 bits and a decoded symbol to 8.
//!
//! The format has no header and no length: the decoder reads symbols until it decodes the root
//! context's escape, reading zeros past the end of its input (as ENet does), and refuses only
//! when the output would exceed its limit or a code matches no symbol of a context. The model
//! lives in a fixed table of 4096 symbols, reset whenever it fills, so nothing a peer sends makes
//! it allocate.
//!
//! Differences from the C code, on input the C code mishandles: an empty buffer in the middle
//! of `in_buffers` is skipped (ENet's loop reads one byte past it, which happens when a datagram
//! carries an empty packet); the C code's recursive rescale is an explicit traversal over
//! preallocated tables (same result, no stack depth proportional to a tree a peer shaped).

use std::sync::Arc;

use crate::{Counters, Mode};

const RANGE_CODER_TOP: u32 = 1 << 24;
const RANGE_CODER_BOTTOM: u32 = 1 << 16;

const CONTEXT_SYMBOL_DELTA: u16 = 3;
const CONTEXT_SYMBOL_MINIMUM: u16 = 1;
const CONTEXT_ESCAPE_MINIMUM: u16 = 1;

const SUBCONTEXT_ORDER: usize = 2;
const SUBCONTEXT_SYMBOL_DELTA: u16 = 2;
const SUBCONTEXT_ESCAPE_DELTA: u16 = 5;

/// `ENetRangeCoder.symbols[4096]`: "only allocate enough symbols for reasonable MTUs".
const SYMBOL_COUNT: usize = 4096;

/// The root context is always the first symbol created after a reset.
const ROOT: usize = 0;

/// `ENetSymbol`: a node of a context's binary tree, and itself the context of the next order.
/// `left`, `right` and `symbols` are offsets forward from this symbol; `parent` is an index.
#[derive(Debug, Clone, Copy, Default)]
struct Symbol {
    value: u8,
    count: u8,
    under: u16,
    left: u16,
    right: u16,
    symbols: u16,
    escapes: u16,
    total: u16,
    parent: u16,
}

/// Where the C code's `enet_uint16 * parent` points: the `predicted` variable or a symbol's
/// `parent` field.
#[derive(Clone, Copy)]
enum ParentRef {
    Predicted,
    Symbol(usize),
}

/// The range coder's model (ENet's `ENetRangeCoder`), shared by compression and decompression
/// as ENet shares its context: each call starts from an empty model.
pub struct RangeCoder {
    symbols: Box<[Symbol]>,
    /// Scratch for the rescale traversal: nodes in breadth-first order, and subtree sums.
    order: Box<[u16]>,
    sums: Box<[u16]>,
    counters: Arc<Counters>,
}

impl Default for RangeCoder {
    fn default() -> Self {
        Self::new()
    }
}

/// The state of one compress or decompress call (the C functions' locals).
struct Model<'a> {
    symbols: &'a mut [Symbol],
    order_scratch: &'a mut [u16],
    sums: &'a mut [u16],
    next_symbol: usize,
    predicted: u16,
    order: usize,
}

impl Model<'_> {
    /// `ENET_SYMBOL_CREATE`.
    fn create_symbol(&mut self, value: u8, count: u16) -> usize {
        let index = self.next_symbol;
        self.next_symbol += 1;
        self.symbols[index] = Symbol {
            value,
            count: count as u8,
            under: count,
            ..Symbol::default()
        };
        index
    }

    /// `ENET_CONTEXT_CREATE (root, ENET_CONTEXT_ESCAPE_MINIMUM, ENET_CONTEXT_SYMBOL_MINIMUM)`.
    fn create_root(&mut self) {
        let root = self.create_symbol(0, 0);
        debug_assert_eq!(root, ROOT);
        self.symbols[root].escapes = CONTEXT_ESCAPE_MINIMUM;
        self.symbols[root].total = CONTEXT_ESCAPE_MINIMUM + 256 * CONTEXT_SYMBOL_MINIMUM;
        self.symbols[root].symbols = 0;
    }

    fn set_parent(&mut self, at: ParentRef, index: usize) {
        match at {
            ParentRef::Predicted => self.predicted = index as u16,
            ParentRef::Symbol(s) => self.symbols[s].parent = index as u16,
        }
    }

    /// `enet_symbol_rescale`: halves every count in the subtree at `top` (its right spine and
    /// everything below), sets each node's `under` to its count plus its left subtree's counts,
    /// and returns the subtree's total. Breadth-first into a table, then children before parents:
    /// every child has a larger index than its parent, so the subtree is a tree of fewer than
    /// `SYMBOL_COUNT` nodes.
    fn rescale_subtree(&mut self, top: usize) -> u16 {
        self.order_scratch[0] = top as u16;
        let mut len = 1;
        let mut i = 0;
        while i < len {
            let n = self.order_scratch[i] as usize;
            let s = self.symbols[n];
            if s.left != 0 {
                self.order_scratch[len] = (n + s.left as usize) as u16;
                len += 1;
            }
            if s.right != 0 {
                self.order_scratch[len] = (n + s.right as usize) as u16;
                len += 1;
            }
            i += 1;
        }
        for i in (0..len).rev() {
            let n = self.order_scratch[i] as usize;
            let s = &mut self.symbols[n];
            s.count -= s.count >> 1;
            let left_sum = if s.left != 0 {
                self.sums[n + s.left as usize]
            } else {
                0
            };
            let right_sum = if s.right != 0 {
                self.sums[n + s.right as usize]
            } else {
                0
            };
            s.under = (s.count as u16).wrapping_add(left_sum);
            self.sums[n] = s.under.wrapping_add(right_sum);
        }
        self.sums[top]
    }

    /// `ENET_CONTEXT_RESCALE`.
    fn rescale_context(&mut self, context: usize, minimum: u16) {
        let first = self.symbols[context].symbols;
        let total = if first != 0 {
            self.rescale_subtree(context + first as usize)
        } else {
            0
        };
        let c = &mut self.symbols[context];
        c.total = total;
        c.escapes -= c.escapes >> 1;
        c.total = c
            .total
            .wrapping_add(c.escapes.wrapping_add(256u16.wrapping_mul(minimum)));
    }

    /// `ENET_CONTEXT_ENCODE`: finds or adds `value` in `context`; returns (symbol, under, count).
    fn context_encode(
        &mut self,
        context: usize,
        value: u8,
        update: u16,
        minimum: u16,
    ) -> (usize, u16, u16) {
        let mut under = (value as u16).wrapping_mul(minimum);
        let mut count = minimum;
        let first = self.symbols[context].symbols;
        if first == 0 {
            let symbol = self.create_symbol(value, update);
            self.symbols[context].symbols = (symbol - context) as u16;
            return (symbol, under, count);
        }
        let mut node = context + first as usize;
        loop {
            let n = self.symbols[node];
            if value < n.value {
                self.symbols[node].under = n.under.wrapping_add(update);
                if n.left != 0 {
                    node += n.left as usize;
                    continue;
                }
                let symbol = self.create_symbol(value, update);
                self.symbols[node].left = (symbol - node) as u16;
                return (symbol, under, count);
            } else if value > n.value {
                under = under.wrapping_add(n.under);
                if n.right != 0 {
                    node += n.right as usize;
                    continue;
                }
                let symbol = self.create_symbol(value, update);
                self.symbols[node].right = (symbol - node) as u16;
                return (symbol, under, count);
            } else {
                count = count.wrapping_add(n.count as u16);
                under = under.wrapping_add(n.under.wrapping_sub(n.count as u16));
                let s = &mut self.symbols[node];
                s.under = s.under.wrapping_add(update);
                s.count = s.count.wrapping_add(update as u8);
                return (node, under, count);
            }
        }
    }

    /// `ENET_CONTEXT_TRY_DECODE` (a subcontext, minimum 0): the symbol whose range holds `code`,
    /// or `None` when there is none (the C macro's `return 0`).
    fn context_try_decode(
        &mut self,
        context: usize,
        code: u16,
        update: u16,
    ) -> Option<(usize, u8, u16, u16)> {
        let mut under: u16 = 0;
        let first = self.symbols[context].symbols;
        if first == 0 {
            return None;
        }
        let mut node = context + first as usize;
        loop {
            let n = self.symbols[node];
            let after = under.wrapping_add(n.under);
            let before = n.count as u16;
            if code >= after {
                under = under.wrapping_add(n.under);
                if n.right != 0 {
                    node += n.right as usize;
                    continue;
                }
                return None;
            } else if (code as i32) < after as i32 - before as i32 {
                self.symbols[node].under = n.under.wrapping_add(update);
                if n.left != 0 {
                    node += n.left as usize;
                    continue;
                }
                return None;
            } else {
                let s = &mut self.symbols[node];
                s.under = s.under.wrapping_add(update);
                s.count = s.count.wrapping_add(update as u8);
                return Some((node, n.value, after.wrapping_sub(before), n.count as u16));
            }
        }
    }

    /// `ENET_CONTEXT_ROOT_DECODE` (minimum `CONTEXT_SYMBOL_MINIMUM` = 1, so the C code's
    /// divisions and remainders by `minimum` are identities): the symbol whose range holds
    /// `code`, created when the root has not seen it. Returns (symbol, value, under, count).
    fn root_decode(&mut self, code: u16, update: u16) -> (usize, u8, u16, u16) {
        const MINIMUM: u16 = CONTEXT_SYMBOL_MINIMUM;
        let mut under: u16 = 0;
        let count = MINIMUM;
        let first = self.symbols[ROOT].symbols;
        if first == 0 {
            let value = code as u8;
            let under = code;
            let symbol = self.create_symbol(value, update);
            self.symbols[ROOT].symbols = (symbol - ROOT) as u16;
            return (symbol, value, under, count);
        }
        let mut node = ROOT + first as usize;
        loop {
            let n = self.symbols[node];
            let after = under
                .wrapping_add(n.under)
                .wrapping_add((n.value as u16 + 1).wrapping_mul(MINIMUM));
            let before = n.count as u16 + MINIMUM;
            if code >= after {
                under = under.wrapping_add(n.under);
                if n.right != 0 {
                    node += n.right as usize;
                    continue;
                }
                let value = (n.value as i32 + 1 + (code as i32 - after as i32)) as u8;
                let symbol = self.create_symbol(value, update);
                self.symbols[node].right = (symbol - node) as u16;
                return (symbol, value, code, count);
            } else if (code as i32) < after as i32 - before as i32 {
                self.symbols[node].under = n.under.wrapping_add(update);
                if n.left != 0 {
                    node += n.left as usize;
                    continue;
                }
                let value =
                    (n.value as i32 - 1 - (after as i32 - before as i32 - code as i32 - 1)) as u8;
                let symbol = self.create_symbol(value, update);
                self.symbols[node].left = (symbol - node) as u16;
                return (symbol, value, code, count);
            } else {
                let s = &mut self.symbols[node];
                s.under = s.under.wrapping_add(update);
                s.count = s.count.wrapping_add(update as u8);
                return (
                    node,
                    n.value,
                    after.wrapping_sub(before),
                    count.wrapping_add(n.count as u16),
                );
            }
        }
    }

    /// The end of each symbol in both directions: the next prediction, and
    /// `ENET_RANGE_CODER_FREE_SYMBOLS`.
    fn advance(&mut self) {
        if self.order >= SUBCONTEXT_ORDER {
            self.predicted = self.symbols[self.predicted as usize].parent;
        } else {
            self.order += 1;
        }
        if self.next_symbol >= SYMBOL_COUNT - SUBCONTEXT_ORDER {
            self.next_symbol = 0;
            self.create_root();
            self.predicted = 0;
            self.order = 0;
        }
    }
}

/// The encoder's low/range pair and its output (`ENET_RANGE_CODER_ENCODE`, `_OUTPUT`, `_FLUSH`).
struct Encoder<'a> {
    low: u32,
    range: u32,
    out: &'a mut [u8],
    pos: usize,
}

impl Encoder<'_> {
    #[must_use]
    fn output(&mut self, byte: u8) -> Option<()> {
        *self.out.get_mut(self.pos)? = byte;
        self.pos += 1;
        Some(())
    }

    #[must_use]
    fn encode(&mut self, under: u32, count: u32, total: u32) -> Option<()> {
        // Totals are never 0 (each context keeps escapes in it); checked all the same.
        self.range = self.range.checked_div(total)?;
        self.low = self.low.wrapping_add(under.wrapping_mul(self.range));
        self.range = self.range.wrapping_mul(count);
        loop {
            if (self.low ^ self.low.wrapping_add(self.range)) >= RANGE_CODER_TOP {
                if self.range >= RANGE_CODER_BOTTOM {
                    break;
                }
                self.range = self.low.wrapping_neg() & (RANGE_CODER_BOTTOM - 1);
            }
            self.output((self.low >> 24) as u8)?;
            self.range <<= 8;
            self.low <<= 8;
        }
        Some(())
    }

    #[must_use]
    fn flush(&mut self) -> Option<()> {
        while self.low != 0 {
            self.output((self.low >> 24) as u8)?;
            self.low <<= 8;
        }
        Some(())
    }
}

/// The decoder's low/code/range and its input (`ENET_RANGE_CODER_SEED`, `_READ`, `_DECODE`).
struct Decoder<'a> {
    low: u32,
    code: u32,
    range: u32,
    input: &'a [u8],
    pos: usize,
}

impl Decoder<'_> {
    /// The next input byte, or 0 past the end (ENet's decoder shifts in zeros there).
    fn next_byte(&mut self) -> u32 {
        match self.input.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                b as u32
            }
            None => 0,
        }
    }

    fn seed(&mut self) {
        for shift in [24, 16, 8, 0] {
            if self.pos < self.input.len() {
                self.code |= self.next_byte() << shift;
            }
        }
    }

    /// `ENET_RANGE_CODER_READ`, truncated to the `enet_uint16 code` it is assigned to.
    /// `None` only if the range would divide to zero, which ENet's invariants rule out.
    fn read(&mut self, total: u16) -> Option<u16> {
        self.range /= total as u32;
        if self.range == 0 {
            return None;
        }
        Some((self.code.wrapping_sub(self.low) / self.range) as u16)
    }

    /// `ENET_RANGE_CODER_DECODE`. `None` only if the range reached zero (an endless loop in C),
    /// which ENet's invariants rule out.
    fn decode(&mut self, under: u32, count: u32) -> Option<()> {
        self.low = self.low.wrapping_add(under.wrapping_mul(self.range));
        self.range = self.range.wrapping_mul(count);
        if self.range == 0 {
            return None;
        }
        loop {
            if (self.low ^ self.low.wrapping_add(self.range)) >= RANGE_CODER_TOP {
                if self.range >= RANGE_CODER_BOTTOM {
                    break;
                }
                self.range = self.low.wrapping_neg() & (RANGE_CODER_BOTTOM - 1);
            }
            self.code <<= 8;
            if self.pos < self.input.len() {
                self.code |= self.next_byte();
            }
            self.range <<= 8;
            self.low <<= 8;
        }
        Some(())
    }
}

impl RangeCoder {
    /// `enet_range_coder_create`.
    pub fn new() -> Self {
        RangeCoder {
            symbols: vec![Symbol::default(); SYMBOL_COUNT].into_boxed_slice(),
            order: vec![0; SYMBOL_COUNT].into_boxed_slice(),
            sums: vec![0; SYMBOL_COUNT].into_boxed_slice(),
            counters: Arc::default(),
        }
    }

    fn model(&mut self) -> Model<'_> {
        let mut model = Model {
            symbols: &mut self.symbols,
            order_scratch: &mut self.order,
            sums: &mut self.sums,
            next_symbol: 0,
            predicted: 0,
            order: 0,
        };
        model.create_root();
        model
    }

    /// `enet_range_coder_compress`, without counting. 0 when nothing was given or the output
    /// does not fit in `out`.
    pub fn compress_raw(&mut self, in_buffers: &[&[u8]], in_limit: usize, out: &mut [u8]) -> usize {
        if in_buffers.is_empty() || in_limit == 0 {
            return 0;
        }
        let mut model = self.model();
        let mut enc = Encoder {
            low: 0,
            range: !0,
            out,
            pos: 0,
        };
        for &value in in_buffers.iter().flat_map(|b| b.iter()) {
            if encode_symbol(&mut model, &mut enc, value).is_none() {
                return 0;
            }
        }
        if enc.flush().is_none() {
            return 0;
        }
        enc.pos
    }

    /// `enet_range_coder_decompress`, without counting. 0 to refuse.
    pub fn decompress_raw(&mut self, input: &[u8], out: &mut [u8]) -> usize {
        if input.is_empty() {
            return 0;
        }
        let mut model = self.model();
        let mut dec = Decoder {
            low: 0,
            code: 0,
            range: !0,
            input,
            pos: 0,
        };
        dec.seed();
        let mut written = 0;
        loop {
            match decode_symbol(&mut model, &mut dec) {
                Decoded::Value(value) => {
                    // ENET_RANGE_CODER_OUTPUT: refuse when the output is full.
                    let Some(slot) = out.get_mut(written) else {
                        return 0;
                    };
                    *slot = value;
                    written += 1;
                    model.advance();
                }
                Decoded::End => return written,
                Decoded::Refuse => return 0,
            }
        }
    }
}

/// One input byte through the contexts: the body of `enet_range_coder_compress`'s loop.
fn encode_symbol(model: &mut Model<'_>, enc: &mut Encoder<'_>, value: u8) -> Option<()> {
    let mut parent = ParentRef::Predicted;
    let mut subcontext = model.predicted as usize;
    while subcontext != ROOT {
        let (symbol, under, count) =
            model.context_encode(subcontext, value, SUBCONTEXT_SYMBOL_DELTA, 0);
        model.set_parent(parent, symbol);
        parent = ParentRef::Symbol(symbol);
        let total = model.symbols[subcontext].total;
        let escapes = model.symbols[subcontext].escapes;
        if count > 0 {
            enc.encode(escapes as u32 + under as u32, count as u32, total as u32)?;
        } else {
            if escapes > 0 && escapes < total {
                enc.encode(0, escapes as u32, total as u32)?;
            }
            let s = &mut model.symbols[subcontext];
            s.escapes = s.escapes.wrapping_add(SUBCONTEXT_ESCAPE_DELTA);
            s.total = s.total.wrapping_add(SUBCONTEXT_ESCAPE_DELTA);
        }
        let s = &mut model.symbols[subcontext];
        s.total = s.total.wrapping_add(SUBCONTEXT_SYMBOL_DELTA);
        if count > 0xFF - 2 * SUBCONTEXT_SYMBOL_DELTA || s.total as u32 > RANGE_CODER_BOTTOM - 0x100
        {
            model.rescale_context(subcontext, 0);
        }
        if count > 0 {
            model.advance();
            return Some(());
        }
        subcontext = model.symbols[subcontext].parent as usize;
    }

    let (symbol, under, count) =
        model.context_encode(ROOT, value, CONTEXT_SYMBOL_DELTA, CONTEXT_SYMBOL_MINIMUM);
    model.set_parent(parent, symbol);
    let root = model.symbols[ROOT];
    enc.encode(
        root.escapes as u32 + under as u32,
        count as u32,
        root.total as u32,
    )?;
    let r = &mut model.symbols[ROOT];
    r.total = r.total.wrapping_add(CONTEXT_SYMBOL_DELTA);
    if count > 0xFF - 2 * CONTEXT_SYMBOL_DELTA + CONTEXT_SYMBOL_MINIMUM
        || r.total as u32 > RANGE_CODER_BOTTOM - 0x100
    {
        model.rescale_context(ROOT, CONTEXT_SYMBOL_MINIMUM);
    }
    model.advance();
    Some(())
}

enum Decoded {
    Value(u8),
    End,
    Refuse,
}

/// One output byte: the body of `enet_range_coder_decompress`'s loop, up to the output.
fn decode_symbol(model: &mut Model<'_>, dec: &mut Decoder<'_>) -> Decoded {
    let mut subcontext = model.predicted as usize;
    // (symbol, value) once found; `subcontext` is then where it was found.
    let mut found: Option<(usize, u8)> = None;
    while subcontext != ROOT {
        let s = model.symbols[subcontext];
        if s.escapes == 0 || s.escapes >= s.total {
            subcontext = s.parent as usize;
            continue;
        }
        let Some(mut code) = dec.read(s.total) else {
            return Decoded::Refuse;
        };
        if code < s.escapes {
            if dec.decode(0, s.escapes as u32).is_none() {
                return Decoded::Refuse;
            }
            subcontext = s.parent as usize;
            continue;
        }
        code -= s.escapes;
        let Some((symbol, value, under, count)) =
            model.context_try_decode(subcontext, code, SUBCONTEXT_SYMBOL_DELTA)
        else {
            return Decoded::Refuse;
        };
        if dec
            .decode(s.escapes as u32 + under as u32, count as u32)
            .is_none()
        {
            return Decoded::Refuse;
        }
        let c = &mut model.symbols[subcontext];
        c.total = c.total.wrapping_add(SUBCONTEXT_SYMBOL_DELTA);
        if count > 0xFF - 2 * SUBCONTEXT_SYMBOL_DELTA || c.total as u32 > RANGE_CODER_BOTTOM - 0x100
        {
            model.rescale_context(subcontext, 0);
        }
        found = Some((symbol, value));
        break;
    }

    let (bottom, value) = match found {
        Some(f) => f,
        None => {
            let root = model.symbols[ROOT];
            let Some(mut code) = dec.read(root.total) else {
                return Decoded::Refuse;
            };
            if code < root.escapes {
                // The root's escape ends the stream (its DECODE changes nothing that is used).
                return Decoded::End;
            }
            code -= root.escapes;
            let (symbol, value, under, count) = model.root_decode(code, CONTEXT_SYMBOL_DELTA);
            if dec
                .decode(root.escapes as u32 + under as u32, count as u32)
                .is_none()
            {
                return Decoded::Refuse;
            }
            let r = &mut model.symbols[ROOT];
            r.total = r.total.wrapping_add(CONTEXT_SYMBOL_DELTA);
            if count > 0xFF - 2 * CONTEXT_SYMBOL_DELTA + CONTEXT_SYMBOL_MINIMUM
                || r.total as u32 > RANGE_CODER_BOTTOM - 0x100
            {
                model.rescale_context(ROOT, CONTEXT_SYMBOL_MINIMUM);
            }
            subcontext = ROOT;
            (symbol, value)
        }
    };

    // patchContexts: add the value to the higher-order contexts that escaped.
    let mut parent = ParentRef::Predicted;
    let mut patch = model.predicted as usize;
    while patch != subcontext {
        let (symbol, _under, count) =
            model.context_encode(patch, value, SUBCONTEXT_SYMBOL_DELTA, 0);
        model.set_parent(parent, symbol);
        parent = ParentRef::Symbol(symbol);
        let p = &mut model.symbols[patch];
        if count == 0 {
            p.escapes = p.escapes.wrapping_add(SUBCONTEXT_ESCAPE_DELTA);
            p.total = p.total.wrapping_add(SUBCONTEXT_ESCAPE_DELTA);
        }
        p.total = p.total.wrapping_add(SUBCONTEXT_SYMBOL_DELTA);
        if count > 0xFF - 2 * SUBCONTEXT_SYMBOL_DELTA || p.total as u32 > RANGE_CODER_BOTTOM - 0x100
        {
            model.rescale_context(patch, 0);
        }
        patch = model.symbols[patch].parent as usize;
    }
    model.set_parent(parent, bottom);
    Decoded::Value(value)
}

counted_compressor!(RangeCoder, Mode::RangeCoder);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Compressor;

    fn round_trip(data: &[u8]) {
        let mut rc = RangeCoder::new();
        let mut packed = vec![0u8; data.len() * 2 + 64];
        let n = rc.compress_raw(&[data], data.len(), &mut packed);
        assert!(n > 0 || data.is_empty());
        let mut back = vec![0u8; data.len() + 16];
        let m = rc.decompress_raw(&packed[..n], &mut back);
        assert_eq!(&back[..m], data);
    }

    #[test]
    fn round_trips() {
        round_trip(b"a");
        round_trip(b"hello hello hello hello");
        round_trip(&[0u8; 4000]);
        let mut x = 12345u32;
        let noise: Vec<u8> = (0..4000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        round_trip(&noise);
        // Long enough to fill the symbol table and reset the model several times.
        let text: Vec<u8> = (0..20000u32).map(|i| (i * 7 % 251) as u8).collect();
        round_trip(&text);
    }

    #[test]
    fn empty_input_is_refused() {
        let mut rc = RangeCoder::new();
        assert_eq!(rc.compress(&[], 0, &mut [0; 16]), 0);
        assert_eq!(rc.compress(&[b""], 0, &mut [0; 16]), 0);
        assert_eq!(rc.decompress(&[], &mut [0; 16]), 0);
        assert_eq!(rc.counters().refused(), 1);
        assert_eq!(rc.counters().not_compressed(), 2);
    }
}
