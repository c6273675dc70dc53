;; A hostile module that asks for 4 GiB of memory (65,536 pages of 64 KiB)
;; before running any code: the memory it declares is made at instantiation.
(module
  (memory (export "memory") 65536)
  (func (export "_start")))
