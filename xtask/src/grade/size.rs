//! The `size` check: build a guest with a profile and compare its `.wasm`'s
//! size with a budget (chapter 3's exercises).

use crate::cargo::Messages;
use crate::exercises::Check;
use crate::guests::{self, GuestBuild};

use super::{Failure, Grading, Outcome};

pub fn check(grading: &Grading, check: &Check) -> Outcome {
    let Check::Size {
        guest,
        profile,
        max_bytes,
        ..
    } = check
    else {
        return Err("internal error: not a size check".to_string().into());
    };
    let (root, tree, exercise) = (grading.root, grading.tree, grading.exercise);
    let package = exercise
        .package(root, tree, guest)
        .map_err(Failure::from_error)?;
    let wasm = GuestBuild::new(
        exercise.workspace_manifest(root, tree),
        vec![package],
        guests::target_dir(root),
    )
    .profile(profile)
    .run(grading.toolchain, Messages::Capture)
    .map_err(|e| format!("the {profile} build of the guest failed: {e:#}"))?;
    let size = std::fs::metadata(&wasm[0])
        .map_err(|e| format!("cannot measure {}: {e}", wasm[0].display()))?
        .len();
    if size > *max_bytes {
        return Err(format!(
            "the {profile} .wasm is {size} bytes; the budget is {max_bytes} bytes"
        )
        .into());
    }
    Ok(())
}
