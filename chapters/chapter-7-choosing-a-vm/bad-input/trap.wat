;; `sum` divides by zero: every VM must trap, each in its own words.
(module
  (func (export "sum") (param i32 i32) (result i32)
    (i32.div_s (i32.add (local.get 0) (local.get 1)) (i32.const 0))))
