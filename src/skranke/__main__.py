from skranke.cli import main

main()
