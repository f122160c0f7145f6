/*
 * dlist.h — taking a node out of a doubly linked list whose nodes have prev and next members
 * and whose first node is head (the server's tracked connections, the guard's pending ones).
 */
#ifndef CICLO_HTTP_DLIST_H
#define CICLO_HTTP_DLIST_H

/* Unlinks node from the list at head (an lvalue); node's own prev and next are left as they were. */
#define DLIST_UNLINK(head, node)               \
    do {                                       \
        if ((node)->prev)                      \
            (node)->prev->next = (node)->next; \
        else                                   \
            (head) = (node)->next;             \
        if ((node)->next)                      \
            (node)->next->prev = (node)->prev; \
    } while (0)

#endif
