//! Chapter 10, a hostile script: `think` never returns. The game gives each
//! turn a budget of fuel; this script spends all of it, is cut off, and the
//! entity skips its turn while the game goes on.

// ANCHOR: think
#[unsafe(no_mangle)]
pub extern "C" fn think(me: u32) {
    let mut n = me;
    // An endless loop the compiler cannot remove: it has an effect it must keep.
    loop {
        n = n.wrapping_mul(31).wrapping_add(7);
        // SAFETY: a volatile write to a local variable: it only stops the
        // optimiser from deleting the loop.
        unsafe { core::ptr::write_volatile(&mut n, n) };
    }
}
// ANCHOR_END: think
