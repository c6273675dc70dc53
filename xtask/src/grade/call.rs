//! The `call` check: call a guest's export in the grader's own Wasmtime (fuel,
//! memory and time limits, captured WASI output) and compare what it returned,
//! trapped with or printed.

use crate::exercises::Check;
use crate::guest_call;
use crate::report;

use super::{Failure, Grading, Outcome};

pub fn check(grading: &Grading, check: &Check) -> Outcome {
    let Check::Call {
        guest,
        export,
        args,
        returns,
        traps,
        stdout,
        env,
        ..
    } = check
    else {
        return Err("internal error: not a call check".to_string().into());
    };
    let Some(wasm) = grading.built.guests.get(guest) else {
        return Err(format!("the guest `{guest}` was not built").into());
    };
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let call = format!("{export}({})", list(args));
    let outcome =
        guest_call::call(grading.root, wasm, export, args, &env).map_err(Failure::from_error)?;
    match (&outcome.returned, &outcome.trapped) {
        (Some(values), _) => {
            if let Some(expected) = traps {
                return Err(format!(
                    "expected {call} to trap with `{expected}`, but it returned {}",
                    show(values)
                )
                .into());
            }
            if let Some(expected) = returns
                && values != expected
            {
                return Err(format!(
                    "expected {call} to return {}, it returned {}",
                    show(expected),
                    show(values)
                )
                .into());
            }
        }
        (None, trapped) => {
            let trap = trapped.as_deref().unwrap_or("(no message)");
            let seen = format!("{}\n{trap}", outcome.stderr.trim_end());
            match traps {
                Some(expected) if !seen.contains(expected.as_str()) => {
                    return Err(format!(
                        "{call} trapped, but not with `{expected}`:\n{}",
                        seen.trim()
                    )
                    .into());
                }
                Some(_) => {}
                None => return Err(format!("{call} trapped:\n{}", seen.trim()).into()),
            }
        }
    }
    if let Some(expected) = stdout
        && let Some(diff) = report::diff(expected, &outcome.stdout)
    {
        return Err(format!("{call} printed something else on stdout:\n{diff}").into());
    }
    Ok(())
}

fn list(values: &[i64]) -> String {
    values
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn show(values: &[i64]) -> String {
    match values {
        [one] => one.to_string(),
        many => format!("({})", list(many)),
    }
}
