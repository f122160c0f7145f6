/* init.h — the store's start-up: every store file registers its statements here, once. */
#ifndef CICLO_STORE_INIT_H
#define CICLO_STORE_INIT_H

/* Registers the SQL statements of every file of src/store (each prepares them per connection
 * under their names). Call once at start-up, before the pool hands out a connection.
 * Returns 0, or -1 when a statement cannot be registered. Not thread-safe. */
int store_init(void);

#endif
