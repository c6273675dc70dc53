;; `sum` written with 128-bit SIMD instructions (WebAssembly 2.0): a VM
;; without SIMD cannot load this module.
(module
  (func (export "sum") (param i32 i32) (result i32)
    (i32x4.extract_lane 0
      (i32x4.add (i32x4.splat (local.get 0)) (i32x4.splat (local.get 1))))))
