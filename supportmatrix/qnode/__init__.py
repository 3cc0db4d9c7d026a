"""The QNode family: the layered circuit under every device, interface, diff method, measurement and shots."""
