from .cli import main

# Keep the guard: importing this module must not run the command.
if __name__ == "__main__":
    main()
