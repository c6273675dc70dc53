;; A hostile module that loops before `_start` is ever called: in its start
;; function, which runs while the host instantiates it. Rust cannot write one.
(module
  (func $spin (loop $again (br $again)))
  (start $spin)
  (memory (export "memory") 1)
  (func (export "_start")))
