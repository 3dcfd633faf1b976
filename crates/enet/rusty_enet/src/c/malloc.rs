use core::alloc::Layout;

#[cfg(not(feature = "std"))]
use alloc::alloc::{alloc, dealloc, handle_alloc_error};
#[cfg(feature = "std")]
use std::alloc::{alloc, dealloc, handle_alloc_error};

pub(crate) unsafe fn enet_malloc(layout: Layout) -> *mut u8 {
    #[cfg(feature = "std")]
    if let Some(ptr) = block_cache::take(layout) {
        return ptr;
    }
    let ptr = unsafe { alloc(layout) };
    if ptr.is_null() {
        handle_alloc_error(layout);
    }
    ptr
}

pub(crate) unsafe fn enet_free(ptr: *mut u8, layout: Layout) {
    #[cfg(feature = "std")]
    if block_cache::give(ptr, layout) {
        return;
    }
    dealloc(ptr, layout);
}

/// godot-udp: a bounded per-thread cache of freed blocks of the four structures ENet allocates
/// and frees once or more per message (outgoing and incoming commands, acknowledgements,
/// packets). Bursts of hundreds of them went through the general allocator's slow paths (its
/// own per-thread cache holds 7 of a size); here up to `CAP` of each are kept for reuse, the
/// rest freed as before, and all of them when the thread exits. Allocation sizes, lifetimes
/// and the protocol are unchanged.
#[cfg(feature = "std")]
mod block_cache {
    use core::alloc::Layout;
    use core::cell::RefCell;
    use std::alloc::dealloc;
    use std::vec::Vec;

    use crate::c::{ENetAcknowledgement, ENetIncomingCommand, ENetOutgoingCommand};
    use crate::ENetPacket;

    /// Blocks kept per structure and thread (see the test for the bytes this may retain).
    pub(super) const CAP: usize = 1024;

    fn class(layout: Layout) -> Option<usize> {
        // Structures with equal layouts share a class (their blocks are interchangeable).
        [
            Layout::new::<ENetOutgoingCommand>(),
            Layout::new::<ENetIncomingCommand>(),
            Layout::new::<ENetAcknowledgement>(),
            Layout::new::<ENetPacket>(),
        ]
        .iter()
        .position(|l| *l == layout)
    }

    struct Cache {
        /// Per class: its layout and the free blocks.
        free: [(Layout, Vec<*mut u8>); 4],
    }

    impl Drop for Cache {
        fn drop(&mut self) {
            for (layout, blocks) in &mut self.free {
                for ptr in blocks.drain(..) {
                    // SAFETY: every cached block was allocated by the global allocator with
                    // this layout and handed back by `enet_free`, and is owned by the cache.
                    unsafe { dealloc(ptr, *layout) };
                }
            }
        }
    }

    std::thread_local! {
        static CACHE: RefCell<Cache> = const {
            RefCell::new(Cache {
                free: [
                    (Layout::new::<ENetOutgoingCommand>(), Vec::new()),
                    (Layout::new::<ENetIncomingCommand>(), Vec::new()),
                    (Layout::new::<ENetAcknowledgement>(), Vec::new()),
                    (Layout::new::<ENetPacket>(), Vec::new()),
                ],
            })
        };
    }

    /// Blocks of `layout` cached on this thread (tests).
    #[cfg(test)]
    pub(super) fn cached(layout: Layout) -> usize {
        class(layout).map_or(0, |c| CACHE.with(|cache| cache.borrow().free[c].1.len()))
    }

    /// A cached block of `layout`, if there is one.
    pub(super) fn take(layout: Layout) -> Option<*mut u8> {
        let c = class(layout)?;
        // try_with/try_borrow_mut: during thread teardown, or re-entered, simply miss.
        CACHE
            .try_with(|cache| cache.try_borrow_mut().ok()?.free[c].1.pop())
            .ok()
            .flatten()
    }

    /// Keeps `ptr` (a block of `layout`) for reuse; false when the caller must free it.
    pub(super) fn give(ptr: *mut u8, layout: Layout) -> bool {
        let Some(c) = class(layout) else {
            return false;
        };
        CACHE
            .try_with(|cache| {
                let Ok(mut cache) = cache.try_borrow_mut() else {
                    return false;
                };
                let blocks = &mut cache.free[c].1;
                if blocks.len() >= CAP {
                    return false;
                }
                if blocks.capacity() == 0 {
                    blocks.reserve_exact(CAP);
                }
                blocks.push(ptr);
                true
            })
            .unwrap_or(false)
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::block_cache::{cached, CAP};
    use super::{enet_free, enet_malloc};
    use crate::c::{ENetAcknowledgement, ENetIncomingCommand, ENetOutgoingCommand};
    use crate::ENetPacket;
    use core::alloc::Layout;
    use std::vec::Vec;

    #[test]
    fn freed_blocks_are_reused_up_to_the_cap_and_other_sizes_bypass_the_cache() {
        let layout = Layout::new::<ENetOutgoingCommand>();
        // SAFETY: every block is allocated with `layout` and freed once with it.
        unsafe {
            let a = enet_malloc(layout);
            enet_free(a, layout);
            assert_eq!(enet_malloc(layout), a, "the block just freed comes back");
            enet_free(a, layout);
            let blocks: Vec<*mut u8> = (0..CAP + 50).map(|_| enet_malloc(layout)).collect();
            assert_eq!(cached(layout), 0);
            for b in blocks {
                enet_free(b, layout);
            }
            assert_eq!(cached(layout), CAP, "at most CAP kept, the rest freed");
            let odd = Layout::array::<u8>(77).unwrap();
            let p = enet_malloc(odd);
            enet_free(p, odd);
            assert_eq!(cached(odd), 0);
        }
        // The retained memory stated in PATCHES.md: four classes of at most CAP blocks.
        let sizes = [
            Layout::new::<ENetOutgoingCommand>().size(),
            Layout::new::<ENetIncomingCommand>().size(),
            Layout::new::<ENetAcknowledgement>().size(),
            Layout::new::<ENetPacket>().size(),
        ];
        std::println!("block sizes {sizes:?}");
        assert!(sizes.iter().sum::<usize>() * CAP <= 512 * 1024, "{sizes:?}");
    }
}
