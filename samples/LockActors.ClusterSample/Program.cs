// Three cluster nodes in one process; filled in with the cluster mode.
return 0;
