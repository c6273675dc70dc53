;; Chapter 1's `sum`, written by hand in WebAssembly's text format: no WASI,
;; so no `println!`, just the addition. Any host of the book runs it:
;;   cargo run -p chapter-1-host -- chapters/chapter-1-first-module/sum.wat
(module
  (func (export "sum") (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.add))
